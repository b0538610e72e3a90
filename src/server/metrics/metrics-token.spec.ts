import { isMetricsToken } from './metrics-token';

describe('metrics token', () => {
  const token = 'metrics-scrape-token-0123456789abcdef';

  it('accepts exactly METRICS_TOKEN, and nothing when it is unset', () => {
    expect(isMetricsToken(token, token)).toBe(true);
    expect(isMetricsToken(`${token}x`, token)).toBe(false);
    expect(isMetricsToken(token.slice(0, -1), token)).toBe(false);
    expect(isMetricsToken(null, token)).toBe(false);
    expect(isMetricsToken(token, undefined)).toBe(false);
  });
});
