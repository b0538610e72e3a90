import { AuthenticatedTokens } from './authenticated-tokens';

const token = { id: '1', name: 'ci', role: 'viewer' as const, expiresAt: null };

describe(AuthenticatedTokens.name, () => {
  it('remembers a verified token for its time to live, then asks again', () => {
    const tokens = new AuthenticatedTokens(5000);
    tokens.remember('h', token, 1000);
    expect(tokens.get('h', 5999)).toMatchObject({ name: 'ci' });
    expect(tokens.get('h', 6000)).toBeUndefined();
  });

  it('never answers for a token past its expiry, nor after forgetAll(), nor with a time to live of 0', () => {
    const tokens = new AuthenticatedTokens(60_000);
    tokens.remember('h', { ...token, expiresAt: 2000 }, 1000);
    expect(tokens.get('h', 1999)).toBeDefined();
    expect(tokens.get('h', 2000)).toBeUndefined();
    tokens.remember('h', token, 1000);
    tokens.forgetAll();
    expect(tokens.get('h', 1001)).toBeUndefined();
    const off = new AuthenticatedTokens(0);
    off.remember('h', token, 1000);
    expect(off.get('h', 1000)).toBeUndefined();
  });
});
