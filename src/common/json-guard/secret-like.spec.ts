import { keyWords, looksLikeSecretKey, looksRandom, SecretValueKind, secretValueKind, shannonEntropy } from './secret-like';

describe(keyWords.name, () => {
  it.each([
    ['apiKey', ['api', 'key']],
    ['API_KEY', ['api', 'key']],
    ['x-api-key', ['x', 'api', 'key']],
    ['APIKey', ['api', 'key']],
    ['i18nKey', ['i18n', 'key']],
    ['oauth2Token', ['oauth2', 'token']],
    ['keyboard_shortcut', ['keyboard', 'shortcut']],
  ])('%s', (key, words) => {
    expect(keyWords(key)).toEqual(words);
  });
});

describe(looksLikeSecretKey.name, () => {
  it.each([
    'key',
    'Key',
    'keys',
    'api_key',
    'apiKey',
    'API-KEY',
    'x-api-key',
    'apikey',
    'openai_key',
    'licenseKey',
    'secret',
    'client_secret',
    'clientSecret',
    'secrets',
    'token',
    'hfToken',
    'access_token',
    'accessToken',
    'refresh-token',
    'id_token',
    'password',
    'dbPassword',
    'passwd',
    'db_pwd',
    'passphrase',
    'credential',
    'credentials',
    'private_key',
    'privateKey',
    'aws_access_key_id',
    'authorization',
    'Authorization',
    'bearer',
    'bearerToken',
    'signing_key',
  ])('flags %s', (key) => {
    expect(looksLikeSecretKey(key)).toBe(true);
  });

  it.each([
    'keyboard_shortcut',
    'keyboardShortcut',
    'hotkey',
    'shortcut_key',
    'sortKey',
    'sort_key',
    'dataKey',
    'i18nKey',
    'labelKey',
    'key_binding',
    'keyColor',
    'max_tokens',
    'maxTokens',
    'tokens_per_minute',
    'token_limit',
    'tokenizer',
    'price_per_token',
    'display_name',
    'color',
    'icon',
    'badges',
    'monkey',
    'turkey_mode',
    'author',
    'authType',
    'passage',
    'tokensUsed',
    '',
  ])('allows %s', (key) => {
    expect(looksLikeSecretKey(key)).toBe(false);
  });
});

describe(secretValueKind.name, () => {
  const flagged: Array<[string, SecretValueKind]> = [
    ['sk-proj-AbCdEfGhIjKlMnOpQrStUvWx', 'vendor-key'],
    ['sk-ant-api03-AbCdEfGhIjKlMnOp', 'vendor-key'],
    ['sk-or-v1-0123456789abcdef0123', 'vendor-key'],
    ['sk-AbCdEfGhIjKlMnOpQrSt', 'vendor-key'],
    ['my key is sk-AbCdEfGhIjKlMnOpQrSt ok', 'vendor-key'],
    ['gsk_AbCdEfGhIjKlMnOpQrSt', 'vendor-key'],
    ['ghp_AbCdEfGhIjKlMnOpQrSt', 'vendor-key'],
    ['AIzaSyAbCdEfGhIjKlMnOpQrStUvWxYz01234', 'vendor-key'],
    ['AKIAIOSFODNN7EXAMPLE', 'vendor-key'],
    ['Bearer abc123def456ghi789', 'bearer-token'],
    ['authorization: bearer 0a1b2c3d4e5f6a7b8c9d', 'bearer-token'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'jwt'],
    ['-----BEGIN PRIVATE KEY-----\nMIIEvQ...\n-----END PRIVATE KEY-----', 'pem-block'],
    ['-----BEGIN OPENSSH PRIVATE KEY-----', 'pem-block'],
    ['postgres://admin:hunter2@db.internal:5432/app', 'url-credentials'],
    ['https://api.example.com/v1?api_key=abc', 'url-secret-parameter'],
    ['https://maps.example.com/embed?q=paris&key=abc', 'url-secret-parameter'],
    ['https://example.com/cb#access_token=abc&x=1', 'url-secret-parameter'],
    ['https://example.com/?x-api%2Dkey=abc', 'url-secret-parameter'],
    ['0123456789abcdef0123456789abcdef', 'high-entropy'], // Azure OpenAI style hex key
    ['a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuV', 'high-entropy'], // Mistral style alphanumeric key
    ['q1w2E3r4T5y6U7i8O9p0AsDfGhJkLzXcVbNm+/Qw=', 'high-entropy'], // base64 of random bytes
    ['fw_3ZaBcD9eFgH1iJkL2mNoP4qRsT', 'high-entropy'], // an unknown vendor's prefixed key
  ];
  it.each(flagged)('flags %j as %s', (text, kind) => {
    expect(secretValueKind(text)).toBe(kind);
  });

  it.each([
    'OpenAI',
    'Claude 3.5 Sonnet (new)',
    '#ff00aa',
    'rgba(255, 0, 170, 0.5)',
    '2024-10-22T10:15:30.000Z',
    '123e4567-e89b-12d3-a456-426614174000',
    'provider 123e4567-e89b-12d3-a456-426614174000 / 9b2f6a1c-0d3e-4f5a-8b7c-6d5e4f3a2b1c',
    'sk-SK',
    'sk',
    'task-0123456789abcdefghij-due',
    'mask_AbCdEfGhIjKlMnOpQrSt',
    'claude-3-5-sonnet-20241022',
    'gpt-4o-mini-2024-07-18',
    'mistralai/Mixtral-8x7B-Instruct-v0.1',
    'meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo',
    'accounts/fireworks/models/llama-v3p1-70b-instruct',
    'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
    'llama3.2:3b-instruct-q4_K_M',
    'ProviderSettingsPanelView',
    'https://example.com/assets/icons/openai-logo.svg',
    'https://api.openai.com/v1/chat/completions?model=gpt-4o&stream=true',
    'https://example.com/settings?sort_key=name&max_tokens=100&key=',
    'Bearer authentication is required',
    'Use a Bearer token from the console',
    'internationalization',
    'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    '00000000000000000000000000000000',
    '1234567890123456789012345',
    'version20241022preview-2024-10-22',
    'The quick brown fox jumps over the lazy dog 1234567890 times',
    '',
  ])('allows %j', (text) => {
    expect(secretValueKind(text)).toBeUndefined();
  });
});

describe(looksRandom.name, () => {
  it('needs both spread-out characters and a letter-digit segment without word structure', () => {
    expect(looksRandom('a1B2c3D4e5F6g7H8i9J0kLmN')).toBe(true);
    expect(looksRandom('claude-3-5-sonnet-20241022')).toBe(false); // high entropy, but words and numbers
    expect(looksRandom('a1a1a1a1a1a1a1a1a1a1a1a1')).toBe(false); // letter-digit mix, but entropy 1 bit
  });
});

describe(shannonEntropy.name, () => {
  it.each([
    ['', 0],
    ['aaaa', 0],
    ['abab', 1],
    ['abcd', 2],
    ['0123456789abcdef', 4],
  ])('%j has %d bits per character', (text, bits) => {
    expect(shannonEntropy(text)).toBeCloseTo(bits, 10);
  });
});
