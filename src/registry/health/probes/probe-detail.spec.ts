import { EgressBlockedError } from '../../egress/probe-egress';
import { describeNetworkError, providerErrorFields, redact, retryAfterSeconds, tidy } from './probe-detail';

describe('probe-detail', () => {
  describe(redact.name, () => {
    it('removes the exact secrets, whatever they look like', () => {
      expect(redact('bad key hunter2-plain, again hunter2-plain', ['hunter2-plain'])).toBe('bad key [redacted], again [redacted]');
    });

    it('removes key-shaped and bearer strings even when not given', () => {
      expect(redact('Incorrect API key provided: sk-proj-****************abcd.')).toBe('Incorrect API key provided: [redacted].');
      expect(redact('got sk-ant-api03-abcdefgh and sk-or-v1-0123456789')).toBe('got [redacted] and [redacted]');
      expect(redact('header was Bearer abc.def.ghi')).toBe('header was [redacted]');
    });

    it('removes pieces of a given secret in other cases and encodings', () => {
      const key = 'sk-live-Abcdefghijklmnopqrstuvwxyz0123';
      const text = `got ${key.slice(-20).toUpperCase()} and ${Buffer.from(`user:${key}`).toString('base64')}`;
      // The Basic form keeps only what encodes the user name (`user:` and the key's first character) and the padding.
      expect(redact(text, [key])).toBe('got [redacted] and dXNlcjpz[redacted]==');
    });

    it('leaves ordinary text and very short secrets alone', () => {
      expect(redact('task-runner sk-1 ok', ['abc'])).toBe('task-runner sk-1 ok');
    });
  });

  describe(tidy.name, () => {
    it('makes one printable, bounded line', () => {
      expect(tidy('  a\n\tb\u0000c  ')).toBe('a b c');
      const long = tidy('x'.repeat(500));
      expect(long).toHaveLength(200);
      expect(long.endsWith('…')).toBe(true);
    });
  });

  describe(providerErrorFields.name, () => {
    it.each([
      [
        'openai',
        401,
        '{"error":{"message":"Incorrect API key","type":"invalid_request_error","code":"invalid_api_key"}}',
        ['invalid_request_error', 'invalid_api_key'],
      ],
      [
        'anthropic',
        401,
        '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
        ['authentication_error'],
      ],
      ['openrouter (code is the status)', 401, '{"error":{"message":"User not found.","code":401}}', []],
      ['google-style status', 403, '{"error":{"code":403,"message":"denied","status":"PERMISSION_DENIED"}}', ['PERMISSION_DENIED']],
      ['top-level fields', 400, '{"type":"bad_request","code":"E42","message":"x"}', ['bad_request', 'E42']],
      ['ollama (a message only)', 500, '{"error":"model not found"}', []],
      ['a sentence in a field', 401, '{"error":{"type":"invalid key sk-abc given","code":"x y"}}', []],
      ['a huge field', 401, `{"error":{"type":"${'a'.repeat(65)}"}}`, []],
      ['unknown JSON', 500, '{"detail":"x"}', []],
      ['plain text', 502, 'Bad Gateway', []],
      ['HTML page', 502, '<!DOCTYPE html><html><body>502</body></html>', []],
      ['JSON that is not an object', 500, '"oops"', []],
      ['empty', 500, '  ', []],
    ])('%s', (_, status, body, expected) => {
      expect(providerErrorFields(body, status)).toEqual(expected);
    });
  });

  describe(retryAfterSeconds.name, () => {
    it('reads seconds and HTTP dates', () => {
      const now = Date.parse('2025-01-01T00:00:00Z');
      expect(retryAfterSeconds('20', now)).toBe(20);
      expect(retryAfterSeconds('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30);
      expect(retryAfterSeconds('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
      expect(retryAfterSeconds(null, now)).toBeNull();
      expect(retryAfterSeconds('soon', now)).toBeNull();
    });
  });

  describe(describeNetworkError.name, () => {
    const fetchFailed = (cause: object) => Object.assign(new TypeError('fetch failed'), { cause });

    it.each([
      [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }, 'connection refused'],
      [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND x.invalid' }, 'host not found'],
      [{ code: 'UND_ERR_SOCKET', message: 'other side closed' }, 'connection closed by server'],
      [{ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' }, 'TLS error: CERT_HAS_EXPIRED'],
      [
        { code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'ssl3_get_record:wrong version number\n…' },
        'TLS error: ERR_SSL_WRONG_VERSION_NUMBER',
      ],
      [{ message: 'bad port' }, 'network error: bad port'],
    ])('%j → %s', (cause, expected) => {
      expect(describeNetworkError(fetchFailed(cause))).toBe(expected);
    });

    it('reports a name resolved to a blocked address with the policy reason', () => {
      const blocked = new EgressBlockedError('evil.example', '169.254.169.254', 'link-local / cloud metadata address');
      expect(describeNetworkError(fetchFailed(blocked))).toBe(
        'base URL host evil.example resolves to 169.254.169.254, which is not allowed: link-local / cloud metadata address',
      );
    });

    it('scrubs secrets from unknown messages', () => {
      expect(describeNetworkError(new Error('failed for my-secret-value'), ['my-secret-value'])).toBe(
        'network error: failed for [redacted]',
      );
    });
  });
});
