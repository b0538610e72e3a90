/**
 * Removing pieces of a key from text we store. Providers (and anything posing as one) echo parts of
 * the key they were sent: OpenAI its first and last characters, careless servers the last 20 or a
 * middle stretch, upper-cased, base64-encoded, inside a Basic `user:key` header. Removing only the
 * exact key leaves all of those in the database. So every run of FRAGMENT characters or more that
 * occurs in the key, in any of the encodings below, is cut out, compared without regard to case.
 */

/** The shortest piece removed. Shorter runs match ordinary words too often and reveal little. */
export const FRAGMENT = 8;
const MARK = '[redacted]';

/** Every form in which a run of the key's characters may appear in text, with each alignment that matters. */
export function keyEncodings(key: string): string[] {
  const forms = new Set<string>();
  for (const variant of new Set([key, key.toUpperCase(), key.toLowerCase()])) {
    forms.add(variant);
    forms.add(encodeURIComponent(variant));
    forms.add(Buffer.from(variant, 'utf8').toString('hex'));
    // base64 of a piece is a run of base64(key.slice(k)) for k = its start mod 3; `user:key` (Basic) only
    // shifts the alignment, so these three cover it whatever the user name is.
    for (let shift = 0; shift < 3; shift++) {
      const bytes = Buffer.from(variant.slice(shift), 'utf8');
      const base64 = bytes.toString('base64').replace(/=+$/, '');
      forms.add(base64);
      forms.add(bytes.toString('base64url'));
      forms.add(encodeURIComponent(base64));
    }
  }
  return [...forms];
}

function windowsOf(secrets: readonly string[]): Set<string> {
  const windows = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < FRAGMENT) continue;
    for (const form of keyEncodings(secret)) {
      const lower = form.toLowerCase();
      for (let i = 0; i + FRAGMENT <= lower.length; i++) windows.add(lower.slice(i, i + FRAGMENT));
    }
  }
  return windows;
}

/**
 * `text` with every run of ≥ FRAGMENT characters that also occurs in one of the secrets' encodings
 * replaced by `[redacted]` (overlapping runs become one mark). Any such run is a union of
 * FRAGMENT-long windows, so marking every matching window finds all of them in one pass.
 */
export function removeKeyFragments(text: string, secrets: readonly string[]): string {
  const windows = windowsOf(secrets);
  if (windows.size === 0 || text.length < FRAGMENT) return text;
  const lower = text.toLowerCase();
  // toLowerCase can change the length of some non-ASCII text; then positions no longer line up and
  // the whole text is treated as suspect rather than cut at the wrong places.
  if (lower.length !== text.length) return [...windows].some((w) => lower.includes(w)) ? MARK : text;
  const hit = new Uint8Array(text.length);
  for (let i = 0; i + FRAGMENT <= lower.length; i++) {
    if (windows.has(lower.slice(i, i + FRAGMENT))) hit.fill(1, i, i + FRAGMENT);
  }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (!hit[i]) out += text[i];
    else if (i === 0 || !hit[i - 1]) out += MARK;
  }
  return out;
}
