const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Appends a key to a path the way an operator would point at it in the YAML:
 * `providers.openai.text_models[2].id`. Keys that are not plain words are quoted
 * (`providers["Open AI"]`) so a bad slug is still visible exactly as written.
 */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!PLAIN_KEY.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent ? `${parent}.${key}` : key;
}
