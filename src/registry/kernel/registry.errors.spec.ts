import { CredentialNotFoundError, InvalidInputError, UnknownProviderError } from './registry.errors';

describe(UnknownProviderError.name, () => {
  it('quotes the slug', () => {
    const error = new UnknownProviderError('nope');
    expect(error.message).toBe('Unknown provider "nope"');
    expect(error).toMatchObject({ code: 'UNKNOWN_PROVIDER', kind: 'not_found', provider: 'nope' });
  });

  it('cannot forge a log line or flood the log with a 10 KB slug full of newlines', () => {
    const slug = `x\n{"level":30,"msg":"admin logged in"}\n${'y'.repeat(10_000)}`;
    const error = new UnknownProviderError(slug);
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('"x\\n{\\"level\\":30,');
    expect(error.message.length).toBeLessThan(200);
    expect(Array.from(error.provider)).toHaveLength(65);
    expect(error.provider.endsWith('…')).toBe(true);
  });

  it('shows a NUL as an escape', () => {
    expect(new UnknownProviderError('open\u0000ai').message).toContain('"open\\u0000ai"');
  });
});

describe(CredentialNotFoundError.name, () => {
  it('quotes provider and credential type', () => {
    const error = new CredentialNotFoundError('openai', 'api_key');
    expect(error.message).toBe('No "api_key" credential is stored for provider "openai"');
    expect(error).toMatchObject({ code: 'CREDENTIAL_NOT_FOUND', provider: 'openai', credentialType: 'api_key' });
  });

  it('escapes and cuts both', () => {
    const error = new CredentialNotFoundError(`a\r\n${'b'.repeat(5000)}`, `t\n${'c'.repeat(5000)}`);
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message.length).toBeLessThan(250);
    expect(error.credentialType).toBe(`t\n${'c'.repeat(62)}…`);
  });
});

describe(InvalidInputError.name, () => {
  it('names the field and rule only', () => {
    expect(new InvalidInputError('apiKey', 'must be a string')).toMatchObject({
      message: 'apiKey: must be a string',
      code: 'INVALID_INPUT',
      kind: 'invalid_input',
      field: 'apiKey',
      rule: 'must be a string',
    });
  });
});
