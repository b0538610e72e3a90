import { CONSOLE_HEADERS } from '../admin-console/console-headers';
import { API_HEADERS, headersOf } from './security-headers';

describe(headersOf.name, () => {
  it("gives the API's policy: nosniff, frame denial, no CSP, no HSTS", () => {
    expect(API_HEADERS).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    });
    expect(API_HEADERS['content-security-policy']).toBeUndefined();
    expect(API_HEADERS['strict-transport-security']).toBeUndefined();
    expect(Object.isFrozen(API_HEADERS)).toBe(true);
  });

  it("gives the console's policy: the API's headers and a strict CSP", () => {
    expect(CONSOLE_HEADERS).toMatchObject({ ...API_HEADERS, 'x-frame-options': 'DENY' });
    expect(CONSOLE_HEADERS['content-security-policy']).toContain("script-src 'self'");
    expect(CONSOLE_HEADERS['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(CONSOLE_HEADERS['content-security-policy']).not.toContain('unsafe-inline');
  });

  it('follows the policy it is given', () => {
    expect(headersOf({ frameguard: { action: 'sameorigin' }, xDnsPrefetchControl: false })).toMatchObject({
      'x-frame-options': 'SAMEORIGIN',
    });
    expect(headersOf({ xDnsPrefetchControl: false })['x-dns-prefetch-control']).toBeUndefined();
  });
});
