import { MASK, maskSecret, PUBLIC_KEY_PREFIXES } from './mask-secret';

describe(maskSecret.name, () => {
  const table: Array<[string, string, string]> = [
    ['OpenAI project key', 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789wxyz', 'sk-proj-…wxyz'],
    ['OpenAI legacy key', 'sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789wxyz', 'sk-…wxyz'],
    ['Anthropic key', 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz_0123-wxyz', 'sk-ant-…wxyz'],
    ['OpenRouter key', 'sk-or-v1-0123456789abcdef0123456789abcdef0123wxyz', 'sk-or-v1-…wxyz'],
    ['Groq key', 'gsk_AbCdEfGhIjKlMnOpQrStUvWxYz01wxyz', 'gsk_…wxyz'],
    ['Google key', 'AIzaSyAbCdEfGhIjKlMnOpQrStUvWx-0123wxyz', 'AIza…wxyz'],
    ['unknown kind, long', 'a1b2c3d4e5f60718293a4b5c6d7ewxyz', 'a1b…wxyz'],
    ['unknown kind, exactly 24', 'abcdefghijklmnopqrstwxyz', 'abc…wxyz'],
    ['unknown kind, 23', 'abcdefghijklmnopqrswxyz', '…wxyz'],
    ['unknown kind, exactly 12', 'abcdefghwxyz', '…wxyz'],
    ['short, 11', 'abcdefgwxyz', '…'],
    ['short, 1', 'x', '…'],
    ['known prefix, body under 12', 'sk-abcdefgwxyz', '…wxyz'], // 14 characters overall: last 4 only
    ['known prefix, tiny body', 'sk-abc', '…'],
    ['prefix alone', 'sk-proj-', '…'],
    ['empty', '', ''],
    ['astral characters kept whole', '🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔐', '…🔑🔑🔑🔐'],
  ];
  it.each(table)('%s', (_, secret, masked) => {
    expect(maskSecret(secret)).toBe(masked);
  });

  it('never shows more than 7 secret characters nor more than a third of them, for any length', () => {
    let seed = 42; // deterministic pseudo-random strings; no flaky inputs
    const nextChar = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 'ABCdef0123456789_-'[seed % 18];
    };
    const prefixes = ['', ...PUBLIC_KEY_PREFIXES];
    for (let length = 1; length <= 120; length++) {
      for (const prefix of prefixes) {
        const body = Array.from({ length }, nextChar).join('');
        const masked = maskSecret(prefix + body);
        const shownPrefix = PUBLIC_KEY_PREFIXES.find((p) => masked.startsWith(p + MASK)) ?? '';
        const revealed = masked.length - shownPrefix.length - MASK.length;
        const secretLength = prefix.length + length - shownPrefix.length;
        expect(masked).toContain(MASK);
        expect(revealed).toBeLessThanOrEqual(7);
        expect(revealed).toBeLessThanOrEqual(secretLength / 3);
      }
    }
  });
});
