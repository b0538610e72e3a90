import { isSecretHeader, maskHeaders, maskQuery, maskUrl } from './redaction';

describe(maskUrl.name, () => {
  it.each([
    ['/api/x', '/api/x'],
    ['/api/x?', '/api/x?'],
    ['/api/x?keep=1', '/api/x?keep=1'],
    ['/api/x?api_key=s3cret&keep=1', '/api/x?api_key=[redacted]&keep=1'],
    ['/v1/models?key=AIzaSy-secret', '/v1/models?key=[redacted]'],
    [
      '/x?KEY=a&Api-Key=b&apikey=c&access_token=d&token=e',
      '/x?KEY=[redacted]&Api-Key=[redacted]&apikey=[redacted]&access_token=[redacted]&token=[redacted]',
    ],
    ['/x?api%5Fkey=a&api_key%5B%5D=b&key[0]=c', '/x?api%5Fkey=[redacted]&api_key%5B%5D=[redacted]&key[0]=[redacted]'],
    ['/x?key', '/x?key=[redacted]'],
    ['/x?monkey=1&keys=2&key_id=3', '/x?monkey=1&keys=2&key_id=3'],
    ['/x?a=%E0%A4%A&key=s', '/x?a=%E0%A4%A&key=[redacted]'],
    ['/x?key=s#key=frag', '/x?key=[redacted]#key=frag'],
    ['https://h.example/p?key=s&x=%20y', 'https://h.example/p?key=[redacted]&x=%20y'],
  ])('%s → %s', (url, expected) => {
    expect(maskUrl(url)).toBe(expected);
  });
});

describe(maskQuery.name, () => {
  it('replaces secret parameters, whatever their shape, and copies the rest', () => {
    const query = { api_key: 's', key: ['a', 'b'], keep: 'v', nested: { key: 'x' } };
    expect(maskQuery(query)).toEqual({ api_key: '[redacted]', key: '[redacted]', keep: 'v', nested: { key: 'x' } });
    expect(query.api_key).toBe('s');
  });
});

describe(maskHeaders.name, () => {
  it('replaces every credential header, in any case, and copies the rest', () => {
    const headers = {
      authorization: 'Bearer s',
      'Proxy-Authorization': 'Basic s',
      'api-key': 's',
      'x-goog-api-key': 's',
      'X-API-KEY': 's',
      cookie: 's',
      'set-cookie': ['s'],
      accept: 'application/json',
    };
    expect(maskHeaders(headers)).toEqual({
      authorization: '[redacted]',
      'Proxy-Authorization': '[redacted]',
      'api-key': '[redacted]',
      'x-goog-api-key': '[redacted]',
      'X-API-KEY': '[redacted]',
      cookie: '[redacted]',
      'set-cookie': '[redacted]',
      accept: 'application/json',
    });
    expect(headers.authorization).toBe('Bearer s');
    expect(isSecretHeader('Content-Type')).toBe(false);
  });
});
