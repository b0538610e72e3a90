import { InvalidBaseUrlError, validateBaseUrl } from './base-url.policy';
import { EgressPolicy } from './egress-policy';

describe(validateBaseUrl.name, () => {
  it.each([
    ['https://api.openai.com/v1', 'https://api.openai.com/v1'],
    ['https://api.openai.com/v1/', 'https://api.openai.com/v1'],
    ['https://api.anthropic.com', 'https://api.anthropic.com'],
    ['https://openrouter.ai/api/v1//', 'https://openrouter.ai/api/v1'],
    ['  HTTPS://API.Example.COM:443/V1  ', 'https://api.example.com/V1'],
    ['http://localhost:11434', 'http://localhost:11434'],
    ['http://127.0.0.1:11434/', 'http://127.0.0.1:11434'],
    ['http://10.0.0.5:8000/v1', 'http://10.0.0.5:8000/v1'],
    ['http://192.168.1.20:1234/v1', 'http://192.168.1.20:1234/v1'],
    ['http://[::1]:11434', 'http://[::1]:11434'],
    ['http://[fd12:3456::1]:8080/v1', 'http://[fd12:3456::1]:8080/v1'],
    ['http://[::ffff:10.0.0.1]/v1', 'http://[::ffff:a00:1]/v1'],
    ['http://169.254.169.254.example.com/v1', 'http://169.254.169.254.example.com/v1'],
  ])('accepts %s as %s', (input, expected) => {
    expect(validateBaseUrl(input)).toBe(expected);
  });

  it.each([
    ['', /absolute/],
    ['api.openai.com/v1', /absolute/],
    ['/v1/models', /absolute/],
    ['ftp://example.com', /http or https, not ftp/],
    ['file:///etc/passwd', /http or https/],
    ['javascript:alert(1)', /http or https/],
    ['https://user:pass@api.example.com', /user name or password/],
    ['https://user@api.example.com', /user name or password/],
    ['https://api.example.com/v1?api-version=1', /query string or fragment/],
    ['https://api.example.com/v1#x', /query string or fragment/],
    ['http://169.254.169.254/latest/meta-data', /link-local \/ cloud metadata/],
    ['http://169.254.0.1', /link-local/],
    ['http://2852039166/', /169\.254\.169\.254 is not allowed/],
    ['http://0xa9fea9fe/', /link-local/],
    ['http://0251.0376.0251.0376/', /link-local/],
    ['http://169.254.43518/', /link-local/],
    ['http://[::ffff:169.254.169.254]/', /inside IPv6/],
    ['http://[::ffff:a9fe:a9fe]/', /inside IPv6/],
    ['http://[0:0:0:0:0:ffff:a9fe:a9fe]/', /inside IPv6/],
    ['http://[::169.254.169.254]/', /inside IPv6/],
    ['http://[64:ff9b::169.254.169.254]/', /inside IPv6/],
    ['http://[fe80::1]/', /IPv6 link-local/],
    ['http://[FEBF:ffff::1]:8080/', /IPv6 link-local/],
    ['http://[fd00:ec2::254]/', /cloud metadata/],
    ['http://metadata.google.internal/computeMetadata/v1', /cloud metadata service/],
    ['http://METADATA.GOOGLE.INTERNAL./', /cloud metadata service/],
    ['http://100.100.100.200/', /cloud metadata/],
    ['http://metadata/computeMetadata/v1', /cloud metadata service/],
    ['http://instance-data/latest/meta-data', /cloud metadata service/],
    ['http://instance-data.ec2.internal/', /cloud metadata service/],
    ['http://192.0.0.192/opc/v2/instance', /cloud metadata address/],
    ['http://168.63.129.16/machine', /cloud platform address/],
    ['http://[2002:a9fe:a9fe::]/', /169\.254\.169\.254 inside IPv6/],
    ['http://[64:ff9b:1::a9fe:a9fe]/', /169\.254\.169\.254 inside IPv6/],
    ['http://[::ffff:0:a9fe:a9fe]/', /169\.254\.169\.254 inside IPv6/],
    ['http://[64:ff9b::a9fe:a9fe]/', /inside IPv6/],
  ])('rejects %s', (input, rule) => {
    let error: unknown;
    try {
      validateBaseUrl(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidBaseUrlError);
    expect(error).toMatchObject({ name: 'InvalidBaseUrlError', code: 'INVALID_BASE_URL', kind: 'invalid_input' });
    expect((error as Error).message).toMatch(rule);
  });
});

describe(`${validateBaseUrl.name} with a configured policy`, () => {
  const policy = EgressPolicy.from({ blockedRanges: ['10.0.0.0/8', '::1/128'], allowedRanges: ['169.254.10.0/24'] });

  it('refuses literals in the configured ranges, IPv4 inside IPv6 included', () => {
    expect(() => validateBaseUrl('http://10.1.2.3:8000/v1', policy)).toThrow(
      /10\.1\.2\.3 is not allowed: in a blocked range \(10\.0\.0\.0\/8\)/,
    );
    expect(() => validateBaseUrl('http://[::ffff:10.1.2.3]/v1', policy)).toThrow(/inside IPv6/);
    expect(() => validateBaseUrl('http://[::1]:11434', policy)).toThrow(/in a blocked range/);
  });

  it('allows what the exceptions name, and what is blocked only by configuration elsewhere', () => {
    expect(validateBaseUrl('http://169.254.10.7:11434', policy)).toBe('http://169.254.10.7:11434');
    expect(validateBaseUrl('http://127.0.0.1:11434', policy)).toBe('http://127.0.0.1:11434');
    expect(() => validateBaseUrl('http://169.254.169.254/', policy)).toThrow(/link-local/);
  });

  it('is not used unless given: the default still allows private addresses', () => {
    expect(validateBaseUrl('http://10.1.2.3:8000/v1')).toBe('http://10.1.2.3:8000/v1');
  });
});
