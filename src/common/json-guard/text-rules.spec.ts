import { codePoint, displayTextProblem, quoteInput, storableTextProblem, truncateInput } from './text-rules';

describe(storableTextProblem.name, () => {
  it.each(['', 'OpenAI', 'line 1\nline 2\t\u0001\u007f', 'é ü 中文', '😀 👍🏽 🇫🇷', '\uFFFD'])('accepts %j', (text) => {
    expect(storableTextProblem(text)).toBeUndefined();
  });

  it.each([
    ['\u0000', 'contains a NUL character (U+0000) at index 0, which PostgreSQL cannot store'],
    ['ab\u0000\u0000', 'contains a NUL character (U+0000) at index 2, which PostgreSQL cannot store'],
    ['x\uD83D', 'contains an unpaired UTF-16 surrogate (U+D83D) at index 1, which is not valid Unicode'],
    ['\uDE00x', 'contains an unpaired UTF-16 surrogate (U+DE00) at index 0, which is not valid Unicode'],
    ['😀\uDE00', 'contains an unpaired UTF-16 surrogate (U+DE00) at index 2, which is not valid Unicode'],
    ['\uD83D\uD83D\uDE00', 'contains an unpaired UTF-16 surrogate (U+D83D) at index 0, which is not valid Unicode'],
  ])('rejects %j', (text, reason) => {
    expect(storableTextProblem(text)).toBe(reason);
  });
});

describe(displayTextProblem.name, () => {
  it.each(['OpenAI (production)', 'Claude 3.5 Sonnet — new', '通义千问 😀', ''])('accepts %j', (text) => {
    expect(displayTextProblem(text)).toBeUndefined();
  });

  it.each([
    ['Open\nAI', 'contains a control character (U+000A) at index 4'],
    ['\tx', 'contains a control character (U+0009) at index 0'],
    ['x\u001b[31m', 'contains a control character (U+001B) at index 1'],
    ['x\u007f', 'contains a control character (U+007F) at index 1'],
    ['x\u0085', 'contains a control character (U+0085) at index 1'],
    ['x\u0000', 'contains a control character (U+0000) at index 1'],
    ['x\uDFFF', 'contains an unpaired UTF-16 surrogate (U+DFFF) at index 1, which is not valid Unicode'],
  ])('rejects %j', (text, reason) => {
    expect(displayTextProblem(text)).toBe(reason);
  });
});

describe(quoteInput.name, () => {
  it('JSON-quotes short input unchanged', () => {
    expect(quoteInput('openai')).toBe('"openai"');
    expect(quoteInput('a'.repeat(64))).toBe(`"${'a'.repeat(64)}"`);
  });

  it('escapes what could forge a log line or break a terminal', () => {
    expect(quoteInput('x\n{"level":50}\r\u0000\u001b\uD800')).toBe('"x\\n{\\"level\\":50}\\r\\u0000\\u001b\\ud800"');
  });

  it('keeps the first 64 characters of long input, counted in code points, and marks the cut', () => {
    expect(quoteInput('a'.repeat(10_000))).toBe(`"${'a'.repeat(64)}"…`);
    expect(quoteInput('😀'.repeat(65))).toBe(`"${'😀'.repeat(64)}"…`);
  });
});

describe(codePoint.name, () => {
  it('names characters by code point, astral ones whole', () => {
    expect(codePoint('\u200b')).toBe('U+200B');
    expect(codePoint('\u0000')).toBe('U+0000');
    expect(codePoint('😀')).toBe('U+1F600');
  });
});

describe(truncateInput.name, () => {
  it('keeps input of up to 64 characters as it is and cuts longer input to 64 + …', () => {
    expect(truncateInput('openai')).toBe('openai');
    expect(truncateInput('😀'.repeat(64))).toBe('😀'.repeat(64));
    expect(truncateInput('x'.repeat(65))).toBe(`${'x'.repeat(64)}…`);
  });
});
