import { describeNetworkError, providerErrorMessage, redact, retryAfterSeconds, tidy } from './probe-detail';

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

  describe(providerErrorMessage.name, () => {
    it.each([
      ['openai', '{"error":{"message":"Incorrect API key","type":"invalid_request_error","code":"invalid_api_key"}}', 'Incorrect API key'],
      ['anthropic', '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}', 'invalid x-api-key'],
      ['openrouter', '{"error":{"message":"User not found.","code":401}}', 'User not found.'],
      ['ollama', '{"error":"model not found"}', 'model not found'],
      ['top-level message', '{"message":"Forbidden"}', 'Forbidden'],
      ['unknown JSON', '{"detail":"x"}', ''],
      ['plain text', 'Bad Gateway', 'Bad Gateway'],
      ['HTML page', '<!DOCTYPE html><html><body>502</body></html>', ''],
      ['empty', '  ', ''],
    ])('%s', (_, body, expected) => {
      expect(providerErrorMessage(body)).toBe(expected);
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
      [{ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'ssl3_get_record:wrong version number\n…' }, 'TLS error: ERR_SSL_WRONG_VERSION_NUMBER'],
      [{ message: 'bad port' }, 'network error: bad port'],
    ])('%j → %s', (cause, expected) => {
      expect(describeNetworkError(fetchFailed(cause))).toBe(expected);
    });

    it('scrubs secrets from unknown messages', () => {
      expect(describeNetworkError(new Error('failed for my-secret-value'), ['my-secret-value'])).toBe('network error: failed for [redacted]');
    });
  });
});
