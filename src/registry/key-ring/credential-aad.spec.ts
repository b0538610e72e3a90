import { credentialAad, destinationOf } from './credential-aad';

describe(credentialAad.name, () => {
  it('is stable, because stored ciphertexts are bound to it', () => {
    expect(credentialAad('openai', 'api_key')).toBe('ai_credentials:openai:api_key');
  });

  it('gives every (provider, credential_type) pair its own context, even with ":" in a part', () => {
    expect(credentialAad('a:b', 'c')).not.toBe(credentialAad('a', 'b:c'));
    expect(credentialAad('openai', 'api_key')).not.toBe(credentialAad('anthropic', 'api_key'));
  });
});

describe('credential destination binding', () => {
  it('keeps the original form for a credential without a base URL, so old rows still decrypt', () => {
    expect(credentialAad('openai', 'api_key', null)).toBe(credentialAad('openai', 'api_key'));
  });

  it('binds a base URL, so pointing a row elsewhere changes the AAD', () => {
    const bound = credentialAad('ollama', 'api_key', 'https://ollama.internal:11434');
    expect(bound).not.toBe(credentialAad('ollama', 'api_key'));
    expect(bound).not.toBe(credentialAad('ollama', 'api_key', 'http://169.254.169.254/latest'));
  });

  it('reads the destination from metadata, binding a non-string value as it is so it never matches a real one', () => {
    expect(destinationOf(null)).toBeNull();
    expect(destinationOf({})).toBeNull();
    expect(destinationOf({ baseUrl: 'https://x.example/v1' })).toBe('https://x.example/v1');
    expect(destinationOf({ baseUrl: ['https://x.example/v1'] } as never)).toBe('["https://x.example/v1"]');
  });
});
