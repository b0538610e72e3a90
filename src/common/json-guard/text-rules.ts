/*
 * What a string must not contain to be stored by PostgreSQL (or shown on one line). Each function
 * returns why the text is refused, or undefined; the reason names a code point and an index, never the
 * surrounding text, so it is safe in an error message even when the text is a secret.
 */

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// C0 controls (newline, tab, NUL, ESC …), DEL and the C1 controls.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F]/;

/**
 * Text PostgreSQL refuses: jsonb rejects `\u0000` ("unsupported Unicode escape sequence") and a lone
 * surrogate escape ("invalid input syntax for type json"); text and varchar reject a NUL byte.
 * (Text parameters turn a lone surrogate into U+FFFD silently, which is no better.)
 */
export function storableTextProblem(text: string): string | undefined {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return `contains a NUL character (U+0000) at index ${nul}, which PostgreSQL cannot store`;
  const surrogate = UNPAIRED_SURROGATE.exec(text);
  if (surrogate) {
    return `contains an unpaired UTF-16 surrogate (${codePoint(surrogate[0])}) at index ${surrogate.index}, which is not valid Unicode`;
  }
  return undefined;
}

/**
 * Display text (names, labels): storable and free of control characters, which would break a log line
 * or a table cell (a newline in a name can forge a log entry).
 */
export function displayTextProblem(text: string): string | undefined {
  const control = CONTROL_CHARACTER.exec(text);
  if (control) return `contains a control character (${codePoint(control[0])}) at index ${control.index}`;
  return storableTextProblem(text);
}

/** `U+200B`: how a character is named in messages, so invisible ones are visible. */
export function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** How many characters of caller input an error message may quote. */
export const QUOTED_INPUT_MAX_CHARS = 64;

/**
 * Caller input as it may appear in an error message or log line: JSON-quoted, so a newline, NUL or
 * lone surrogate shows as an escape instead of forging a line, and cut to the first
 * QUOTED_INPUT_MAX_CHARS characters (code points) + `…`, so 10 KB of input cannot flood a log.
 */
export function quoteInput(text: string): string {
  const cut = truncateInput(text);
  return cut === text ? JSON.stringify(text) : `${JSON.stringify(cut.slice(0, -1))}…`;
}

/** The first QUOTED_INPUT_MAX_CHARS characters (code points) of caller input, + `…` when cut. */
export function truncateInput(text: string): string {
  if (text.length <= QUOTED_INPUT_MAX_CHARS) return text;
  const chars = Array.from(text);
  return chars.length <= QUOTED_INPUT_MAX_CHARS ? text : `${chars.slice(0, QUOTED_INPUT_MAX_CHARS).join('')}…`;
}
