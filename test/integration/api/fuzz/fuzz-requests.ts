/*
 * Hostile requests generated from the OpenAPI document: for each operation, one field at a time is
 * given a value of the wrong kind (wrong type, null, arrays, huge or deep values, bad ids, dates and
 * cursors) while the rest stay plausible, so each refusal is about that one field. Seeded: the same
 * seed gives the same requests, so a failure replays.
 */

export interface OpenApiSchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  $ref?: string;
  allOf?: OpenApiSchema[];
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
}

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: OpenApiSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, { schema: OpenApiSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, OpenApiSchema> };
}

export interface FuzzRequest {
  method: string;
  /** Path and query string, already encoded. */
  url: string;
  headers: Record<string, string>;
  /** Raw JSON text, or undefined for no body. */
  body?: string;
  /** What was made hostile, for the failure message. */
  target: string;
}

/** mulberry32: a small seeded generator, enough to pick values reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const PAST_BIGINT = '9999999999999999999';
const deep = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

/** Raw JSON texts of values that are wrong for some field or other. */
const HOSTILE_JSON: string[] = [
  'null',
  '[]',
  '[{"provider":"openai"}]',
  '{}',
  '{"__proto__":{"polluted":true}}',
  'true',
  '0',
  '-1',
  '1.5',
  '1e308',
  '-1e308',
  '99999999999999999999999',
  '""',
  JSON.stringify('x'.repeat(9000)),
  '"\\u0000"',
  '"\\ud800"',
  '"line\\nbreak"',
  '"2020-W01"',
  '"2020-001"',
  '"-271821-04-20T00:00:00Z"',
  `"${PAST_BIGINT}"`,
  '"0"',
  deep(20),
  deep(2000),
  `{"a":${deep(30)}}`,
];

/** Query, path and header texts that are wrong for some parameter or other. */
const HOSTILE_TEXT: string[] = [
  '',
  ' ',
  'null',
  '-1',
  '0',
  '1.5',
  '1e309',
  PAST_BIGINT,
  '99999999999999999999999',
  'maybe',
  '2020-W01',
  '2020-W01-1',
  '2020-001',
  '2027-02-31',
  '-271821-04-20T00:00:00Z',
  Buffer.from(PAST_BIGINT).toString('base64url'),
  Buffer.from('-1').toString('base64url'),
  '%%%',
  'x'.repeat(3000),
  '\u0000',
  "'; DROP TABLE ai_credentials; --",
  '../../etc/passwd',
  '\ud83d\udd25',
];

/** Valid-looking values for the fields not under test: an operation is fuzzed one field at a time. */
export interface Plausible {
  provider: string;
  credentialId: string;
}

function resolve(schema: OpenApiSchema, document: OpenApiDocument): OpenApiSchema {
  const ref = schema.$ref ?? schema.allOf?.[0]?.$ref;
  return ref ? document.components.schemas[ref.split('/').pop()!] : schema;
}

function plausibleValue(name: string, schema: OpenApiSchema, document: OpenApiDocument, plausible: Plausible): unknown {
  const resolved = resolve(schema, document);
  if (resolved.enum) return resolved.enum[0];
  if (name === 'provider') return plausible.provider;
  switch (resolved.type) {
    case 'array':
      return [plausibleBody(resolve(resolved.items ?? {}, document), document, plausible)];
    case 'object':
      return plausibleBody(resolved, document, plausible);
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return false;
    default:
      return 'fuzz';
  }
}

/** A body with its required fields only, each plausible. */
function plausibleBody(schema: OpenApiSchema, document: OpenApiDocument, plausible: Plausible): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of schema.required ?? []) body[field] = plausibleValue(field, schema.properties![field], document, plausible);
  return body;
}

/** Where a hostile value can go in a body: each field, and each field of the first item of an array of objects. */
function bodyTargets(schema: OpenApiSchema, document: OpenApiDocument): string[][] {
  return Object.entries(schema.properties ?? {}).flatMap(([field, child]) => {
    const resolved = resolve(child, document);
    const items = resolved.type === 'array' && resolved.items ? resolve(resolved.items, document) : undefined;
    const nested = items?.properties ? Object.keys(items.properties).map((inner) => [field, '0', inner]) : [];
    return [[field], ...nested];
  });
}

/** JSON text of `body` with the value at `path` replaced by raw JSON `hostile` (raw: it may be deeper than stringify allows). */
function bodyWith(body: Record<string, unknown>, path: string[], hostile: string): string {
  const marker = '\u0001hostile\u0001';
  const copy = structuredClone(body) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    node[key] ??= key === '0' ? {} : [{}];
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), hostile);
}

/** `count` hostile requests over every operation of `document`, as `random` picks them. */
export function fuzzRequests(document: OpenApiDocument, plausible: Plausible, random: () => number, perOperation: number): FuzzRequest[] {
  const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)];
  const requests: FuzzRequest[] = [];
  for (const [route, methods] of Object.entries(document.paths)) {
    if (route.startsWith('/api/docs')) continue;
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      const bodySchema = operation.requestBody && resolve(operation.requestBody.content['application/json'].schema, document);
      const targets: Array<{ kind: 'parameter'; parameter: OpenApiParameter } | { kind: 'body'; path: string[] } | { kind: 'whole-body' }> =
        [
          ...parameters.map((parameter) => ({ kind: 'parameter' as const, parameter })),
          ...(bodySchema
            ? [...bodyTargets(bodySchema, document).map((path) => ({ kind: 'body' as const, path })), { kind: 'whole-body' as const }]
            : []),
        ];
      if (targets.length === 0) targets.push({ kind: 'whole-body' });
      for (let i = 0; i < perOperation; i++) {
        const target = pick(targets);
        const texts = new Map<string, string>();
        for (const parameter of parameters) {
          const value =
            parameter.name === 'id' ? plausible.credentialId : plausibleValue(parameter.name, parameter.schema, document, plausible);
          if (parameter.required || parameter.in === 'path') texts.set(parameter.name, String(value));
        }
        const base = bodySchema ? plausibleBody(bodySchema, document, plausible) : undefined;
        let body = base === undefined ? undefined : JSON.stringify(base);
        let what: string;
        if (target.kind === 'parameter') {
          // A header can carry only visible ASCII (the HTTP client refuses the rest before sending).
          const text = pick(target.parameter.in === 'header' ? HOSTILE_TEXT.filter((t) => /^[\x20-\x7e]*$/.test(t)) : HOSTILE_TEXT);
          texts.set(target.parameter.name, text);
          what = `${target.parameter.in} ${target.parameter.name}=${JSON.stringify(text.slice(0, 40))}`;
        } else if (target.kind === 'body') {
          const hostile = pick(HOSTILE_JSON);
          body = bodyWith(base ?? {}, target.path, hostile);
          what = `body ${target.path.join('.')}=${hostile.slice(0, 40)}`;
        } else {
          body = pick(HOSTILE_JSON);
          what = `body=${body.slice(0, 40)}`;
        }
        const path = route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(texts.get(name) ?? ''));
        const query = parameters
          .filter((p) => p.in === 'query' && texts.has(p.name))
          .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(texts.get(p.name)!)}`);
        const headers: Record<string, string> = {};
        for (const p of parameters.filter((p) => p.in === 'header' && texts.has(p.name))) headers[p.name] = texts.get(p.name)!;
        requests.push({
          method,
          url: query.length > 0 ? `${path}?${query.join('&')}` : path,
          headers,
          body: method === 'get' || method === 'delete' ? undefined : body,
          target: `${method.toUpperCase()} ${route}: ${what}`,
        });
      }
    }
  }
  return requests;
}
