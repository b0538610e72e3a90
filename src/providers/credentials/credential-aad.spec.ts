import { credentialAad } from './credential-aad';

describe(credentialAad.name, () => {
  it('is stable, because stored ciphertexts are bound to it', () => {
    expect(credentialAad('openai', 'api_key')).toBe('ai_credentials:openai:api_key');
  });

  it('gives every (provider, credential_type) pair its own context, even with ":" in a part', () => {
    expect(credentialAad('a:b', 'c')).not.toBe(credentialAad('a', 'b:c'));
    expect(credentialAad('openai', 'api_key')).not.toBe(credentialAad('anthropic', 'api_key'));
  });
});
