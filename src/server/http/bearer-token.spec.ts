import { bearerToken } from './bearer-token';

describe(bearerToken.name, () => {
  const token = 'sk-reg-0123456789abcdef';

  it('takes the token of a Bearer header, the scheme in any case', () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) expect(bearerToken(`${scheme} ${token}`)).toBe(token);
    expect(bearerToken(`Bearer  ${token} `)).toBe(token);
  });

  it('nothing else', () => {
    expect(bearerToken(`Basic ${token}`)).toBeNull();
    expect(bearerToken(`Bearer ${token} extra`)).toBeNull();
    expect(bearerToken(`Bearer${token}`)).toBeNull();
    expect(bearerToken('Bearer ')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken([`Bearer ${token}`])).toBeNull();
  });
});
