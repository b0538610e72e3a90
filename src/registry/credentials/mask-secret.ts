/**
 * Vendor prefixes shared by every key of that kind, so showing them reveals no secret material while
 * telling an operator which kind of key is stored. Longest first: the first match wins.
 */
export const PUBLIC_KEY_PREFIXES: readonly string[] = [
  'sk-svcacct-', // OpenAI service account
  'sk-or-v1-', // OpenRouter
  'sk-admin-', // OpenAI admin
  'sk-proj-', // OpenAI project
  'sk-ant-', // Anthropic
  'pplx-', // Perplexity
  'gsk_', // Groq
  'xai-', // xAI
  'AIza', // Google
  'hf_', // Hugging Face
  'r8_', // Replicate
  'sk-', // OpenAI legacy, DeepSeek and many OpenAI-compatible servers
];

export const MASK = '…';
const TAIL = 4;
/** Below this many secret characters nothing is shown: 4 of fewer than 12 would exceed a third. */
const MIN_LENGTH_FOR_TAIL = 12;
const HEAD = 3;
/** At 24+ characters, 3 leading + 4 trailing stays under a third (7/24) and under 8 characters. */
const MIN_LENGTH_FOR_HEAD = 24;

/**
 * A display form of a secret that never reveals more than 7 of its secret characters, nor more than a
 * third of them. Public vendor prefixes are kept and not counted:
 *   sk-proj-…wxyz   a known prefix, then the last 4 (when 12+ characters follow the prefix)
 *   abc…wxyz        no known prefix, 24+ characters: first 3 and last 4
 *   …wxyz           12–23 characters: last 4
 *   …               under 12 characters: nothing (a short secret is weak enough already)
 *   ''              only for the empty string, so "no secret stored" stays distinguishable
 */
export function maskSecret(secret: string): string {
  if (secret === '') return '';
  const prefix = PUBLIC_KEY_PREFIXES.find((candidate) => secret.startsWith(candidate));
  if (prefix) {
    const body = Array.from(secret.slice(prefix.length));
    if (body.length >= MIN_LENGTH_FOR_TAIL) return prefix + MASK + body.slice(-TAIL).join('');
  }
  // Code points, not UTF-16 units, so a surrogate pair is never cut in half.
  const chars = Array.from(secret);
  if (chars.length >= MIN_LENGTH_FOR_HEAD) return chars.slice(0, HEAD).join('') + MASK + chars.slice(-TAIL).join('');
  if (chars.length >= MIN_LENGTH_FOR_TAIL) return MASK + chars.slice(-TAIL).join('');
  return MASK;
}
