import { combinedHealth, CREDENTIAL_STORED_SINCE, NO_USABLE_CREDENTIAL } from './combined-health';

const NOW = new Date('2026-12-01T12:00:00Z');
const probe = { status: 'healthy' as const, reason: null };

describe(combinedHealth.name, () => {
  it('is the probe’s health while the circuit is closed or half-open', () => {
    expect(combinedHealth(probe, undefined, NOW)).toEqual({ status: 'healthy', reason: null, decidedBy: 'probe' });
    const halfOpen = { state: 'open' as const, until: new Date(NOW.getTime() - 1), reason: 'tripped: 9 of 10 calls failed in 60 s' };
    expect(combinedHealth(probe, halfOpen, NOW).decidedBy).toBe('probe');
  });

  it('is unhealthy, decided by traffic, while a tripped circuit cools down', () => {
    const open = { state: 'open' as const, until: new Date(NOW.getTime() + 1), reason: 'tripped: 9 of 10 calls failed in 60 s' };
    expect(combinedHealth(probe, open, NOW)).toEqual({ status: 'unhealthy', reason: open.reason, decidedBy: 'traffic' });
  });

  it('no longer says "no usable credential" once a usable one was stored after that check', () => {
    const notProbed = { status: 'unknown' as const, reason: NO_USABLE_CREDENTIAL };
    expect(combinedHealth(notProbed, undefined, NOW)).toEqual({ ...notProbed, decidedBy: 'probe' });
    expect(combinedHealth(notProbed, undefined, NOW, false).reason).toBe(NO_USABLE_CREDENTIAL);
    expect(combinedHealth(notProbed, undefined, NOW, true)).toEqual({
      status: 'unknown',
      reason: CREDENTIAL_STORED_SINCE,
      decidedBy: 'probe',
    });
    // Any other reason is the probe's own word about the provider, kept as it is.
    const failed = { status: 'unhealthy' as const, reason: 'HTTP 401: invalid API key' };
    expect(combinedHealth(failed, undefined, NOW, true).reason).toBe(failed.reason);
  });
});
