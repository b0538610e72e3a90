import { callDestination, callEndpoint } from './call-endpoint';

describe(callEndpoint.name, () => {
  it('maps each provider kind to the SDK package and base URL that speak its API', () => {
    expect(callEndpoint('openai', 'https://api.openai.com/v1')).toEqual({ wire: 'openai', baseURL: 'https://api.openai.com/v1' });
    expect(callEndpoint('anthropic', 'https://api.anthropic.com')).toEqual({ wire: 'anthropic', baseURL: 'https://api.anthropic.com/v1' });
    expect(callEndpoint('anthropic', 'https://proxy.example/anthropic/v1')).toEqual({
      wire: 'anthropic',
      baseURL: 'https://proxy.example/anthropic/v1',
    });
    expect(callEndpoint('ollama', 'http://localhost:11434')).toEqual({ wire: 'openai_compatible', baseURL: 'http://localhost:11434/v1' });
    expect(callEndpoint('ollama', 'http://localhost:11434/v1/')).toEqual({
      wire: 'openai_compatible',
      baseURL: 'http://localhost:11434/v1',
    });
    expect(callEndpoint('openrouter', 'https://openrouter.ai/api/v1')).toEqual({
      wire: 'openai_compatible',
      baseURL: 'https://openrouter.ai/api/v1',
    });
    expect(callEndpoint('openai_compatible', 'http://10.0.0.5:8000/v1')).toEqual({
      wire: 'openai_compatible',
      baseURL: 'http://10.0.0.5:8000/v1',
    });
  });
});

describe(callDestination.name, () => {
  it('sends a key only to the base URL bound to the credential or to the catalog’s', () => {
    expect(callDestination('http://bound', 'http://catalog', 'http://column', true)).toBe('http://bound');
    expect(callDestination(null, 'http://catalog', 'http://column', true)).toBe('http://catalog');
    expect(callDestination(null, undefined, 'http://column', true)).toBeNull();
  });

  it('lets the capabilities column name a keyless server', () => {
    expect(callDestination(null, undefined, 'http://column', false)).toBe('http://column');
    expect(callDestination(null, undefined, 42, false)).toBeNull();
    expect(callDestination(null, undefined, undefined, false)).toBeNull();
  });
});
