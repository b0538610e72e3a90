/**
 * Heuristics that spot secrets pasted where they do not belong (UI metadata is stored in clear and
 * served to browsers). They aim at the common shapes of API keys and tokens while letting ordinary
 * UI data through; they are a safety net, not a guarantee, and never replace the credentials API.
 */

// ---- keys -----------------------------------------------------------------------------------

/**
 * Unambiguous secret words, matched inside the key with case and separators removed, so
 * `apiKey`, `API_KEY`, `x-api-key` and `clientSecret` are all caught.
 */
const SECRET_STEMS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'credential',
  'authorization',
  'bearer',
  'apikey',
  'privatekey',
  'accesskey',
  'signingkey',
  'encryptionkey',
  'accesstoken',
  'refreshtoken',
  'authtoken',
  'sessiontoken',
];

/**
 * `key` as the last word names a secret (`key`, `openai_key`, `licenseKey`) unless the word before
 * makes it a UI lookup key: chart `dataKey`, `sortKey`, `i18nKey`, `shortcut_key`, …
 * Default-deny: an unknown qualifier is more likely a provider name than a UI concept.
 */
const HARMLESS_KEY_QUALIFIERS = new Set([
  'cache',
  'column',
  'data',
  'dict',
  'field',
  'foreign',
  'group',
  'hot',
  'i18n',
  'item',
  'label',
  'legend',
  'list',
  'locale',
  'lookup',
  'map',
  'menu',
  'message',
  'name',
  'partition',
  'primary',
  'query',
  'react',
  'route',
  'row',
  'section',
  'series',
  'shortcut',
  'sort',
  'storage',
  'tab',
  'title',
  'translation',
  'unique',
]);

/** Splits `apiKey`, `API_KEY`, `x-api-key`, `i18nKey` into lower-case words. */
export function keyWords(key: string): string[] {
  return key
    .split(/[^A-Za-z0-9]+/)
    .flatMap((part) => part.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/))
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}

/**
 * True for object keys that name a secret. Matching is on words, not raw substrings, so
 * `keyboard_shortcut`, `hotkey`, `max_tokens`, `token_limit` and `price_per_token` pass, while
 * `key`, `api_key`, `hfToken`, `access-token`, `db_pwd` and `Authorization` do not.
 */
export function looksLikeSecretKey(key: string): boolean {
  const words = keyWords(key);
  const compact = words.join('');
  if (SECRET_STEMS.some((stem) => compact.includes(stem))) return true;
  if (words.includes('pwd')) return true;
  const last = words[words.length - 1];
  const previous = words[words.length - 2];
  // LLM metadata talks about tokens a lot (max_tokens, tokens_per_minute): only a name *ending* in the
  // singular `token` is a credential (`hf_token`), and `per token` is a price.
  if (last === 'token') return previous !== 'per';
  if (last === 'key' || last === 'keys') return previous === undefined || !HARMLESS_KEY_QUALIFIERS.has(previous);
  return false;
}

// ---- values ---------------------------------------------------------------------------------

export type SecretValueKind =
  'vendor-key' | 'bearer-token' | 'jwt' | 'pem-block' | 'url-credentials' | 'url-secret-parameter' | 'high-entropy';

export const SECRET_VALUE_DESCRIPTIONS: Record<SecretValueKind, string> = {
  'vendor-key': 'an API key (known vendor prefix)',
  'bearer-token': 'a bearer token',
  jwt: 'a JWT',
  'pem-block': 'a PEM key or certificate block',
  'url-credentials': 'a URL with a user name and password',
  'url-secret-parameter': 'a URL with a secret query parameter',
  'high-entropy': 'a random token (long, high-entropy)',
};

// Not preceded by a letter or digit, so `task-…` or `mask_…` are not read as `sk-…` / `sk_…`.
const VENDOR_KEY = new RegExp(
  String.raw`(?<![A-Za-z0-9])(?:` +
    String.raw`(?:sk-|sk_live_|sk_test_|rk_live_|gsk_|xai-|pplx-|hf_|r8_|gh[pousr]_|github_pat_|glpat-|xox[abprs]-)[A-Za-z0-9_-]{16,}` +
    String.raw`|AIza[A-Za-z0-9_-]{30,}|A(?:KIA|SIA)[A-Z0-9]{16}(?![A-Za-z0-9]))`,
);
// A digit is required so prose such as "Bearer authentication is required" passes.
const BEARER = /\bbearer\s+(?=[A-Za-z0-9._~+/-]*\d)[A-Za-z0-9._~+/-]{16,}/i;
// Every JWT header is base64url JSON, which starts `eyJ` ('{"'); hostnames and versions never do.
const JWT = /(?<![A-Za-z0-9])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/;
const PEM = /-----BEGIN [A-Z0-9 ]+-----/;
const URL_USERINFO = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]+:[^\s/?#@]+@/i;
const URL_PARAMETER = /[?&;#]([^=&;#\s]+)=([^&;#\s]*)/g; // query string and fragment (OAuth implicit flow)

/** Canonical UUIDs are identifiers, common in UI data, and allowed. */
const UUID = /(?<![A-Za-z0-9])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![A-Za-z0-9])/gi;
/** A run of base64 / base64url / hex characters long enough to be a key. */
const TOKEN_RUN = /[A-Za-z0-9+/=_-]{24,}/g;
/** Bits per character a run must reach; hex has only 16 symbols, so random hex tops out near 4. */
export const MIN_ENTROPY_BITS_PER_CHAR = 3.5;
export const MIN_HEX_ENTROPY_BITS_PER_CHAR = 3.0;

/** Which kind of secret `text` appears to contain, or undefined. The text itself is never reported. */
export function secretValueKind(text: string): SecretValueKind | undefined {
  if (VENDOR_KEY.test(text)) return 'vendor-key';
  if (BEARER.test(text)) return 'bearer-token';
  if (JWT.test(text)) return 'jwt';
  if (PEM.test(text)) return 'pem-block';
  if (URL_USERINFO.test(text)) return 'url-credentials';
  for (const [, name, value] of text.matchAll(URL_PARAMETER)) {
    if (value !== '' && looksLikeSecretKey(safeDecode(name))) return 'url-secret-parameter';
  }
  for (const [run] of text.replace(UUID, ' ').matchAll(TOKEN_RUN)) {
    if (looksRandom(run)) return 'high-entropy';
  }
  return undefined;
}

/**
 * A long run is random-looking when its characters are spread out (entropy) *and* it holds a
 * 12+ character segment mixing letters and digits without word structure. The second test is what
 * lets model ids (`claude-3-5-sonnet-20241022`, `mistralai/Mixtral-8x7B-Instruct-v0`), paths and
 * camelCase names through: they are high in entropy but made of words and numbers.
 */
export function looksRandom(run: string): boolean {
  const threshold = /^[0-9a-f]+$|^[0-9A-F]+$/.test(run) ? MIN_HEX_ENTROPY_BITS_PER_CHAR : MIN_ENTROPY_BITS_PER_CHAR;
  if (shannonEntropy(run) < threshold) return false;
  return run
    .split(/[^A-Za-z0-9]+/)
    .some((segment) => segment.length >= 12 && /\d/.test(segment) && /[A-Za-z]/.test(segment) && !WORD_AND_NUMBER.test(segment));
}
// `version20241022`, `20241022preview`: a word and a number side by side, not a key.
const WORD_AND_NUMBER = /^(?:[A-Za-z]+\d+|\d+[A-Za-z]+)$/;

/** Shannon entropy in bits per character (code point). */
export function shannonEntropy(text: string): number {
  const chars = Array.from(text);
  const counts = new Map<string, number>();
  for (const char of chars) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / chars.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
