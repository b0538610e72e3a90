// Standard alphabet with canonical padding. Buffer.from(x, 'base64') silently skips invalid
// characters and accepts truncated input, which would turn a typo in a key into a different key.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes canonical standard base64, or returns undefined for anything else. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // Rejects non-zero trailing bits (e.g. "AB==" vs "AA=="): two spellings of one key would be confusing.
  return bytes.toString('base64') === text ? bytes : undefined;
}
