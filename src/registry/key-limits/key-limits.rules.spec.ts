import {
  PARALLEL_HEARTBEAT_MS,
  PARALLEL_SLOT_TTL_MS,
  inputTokenBound,
  leaseSize,
  parallelWant,
  requestedMaxOutput,
  secondsUntil,
  slotsUsable,
  windowOf,
} from './key-limits.rules';

describe('key limits rules', () => {
  const at = (iso: string) => Date.parse(iso);

  it('windows: the UTC minute for rates, the UTC day or month for budgets', () => {
    expect(windowOf('requests', at('2026-03-31T23:59:59.999Z'))).toEqual({
      start: at('2026-03-31T23:59:00Z'),
      end: at('2026-04-01T00:00:00Z'),
    });
    expect(windowOf('tokens', at('2026-03-31T12:00:00Z'))).toEqual({ start: at('2026-03-31T12:00:00Z'), end: at('2026-03-31T12:01:00Z') });
    expect(windowOf('usd_nanos', at('2026-03-31T23:59:59Z'), 'day')).toEqual({
      start: at('2026-03-31T00:00:00Z'),
      end: at('2026-04-01T00:00:00Z'),
    });
    expect(windowOf('usd_nanos', at('2026-12-31T23:00:00Z'), 'month')).toEqual({
      start: at('2026-12-01T00:00:00Z'),
      end: at('2027-01-01T00:00:00Z'),
    });
  });

  it('Retry-After: whole seconds to the window end, at least 1', () => {
    expect(secondsUntil(at('2026-01-01T00:01:00Z'), at('2026-01-01T00:00:00.001Z'))).toBe(60);
    expect(secondsUntil(at('2026-01-01T00:01:00Z'), at('2026-01-01T00:00:59.999Z'))).toBe(1);
    expect(secondsUntil(at('2026-01-01T00:01:00Z'), at('2026-01-01T00:01:00Z'))).toBe(1);
  });

  it('lease size: a twentieth of the limit, at least what is needed, shrinking to an eighth of what is left', () => {
    expect(leaseSize(600n, 0n, 1n)).toBe(30n);
    expect(leaseSize(600n, 0n, 100n)).toBe(100n);
    expect(leaseSize(600n, 520n, 1n)).toBe(10n); // 80 left: 10
    expect(leaseSize(600n, 598n, 1n)).toBe(1n);
    expect(leaseSize(600n, 600n, 1n)).toBe(1n);
    expect(leaseSize(5n, 0n, 1n)).toBe(1n);
  });

  it('parallel slots asked for: enough for one more call and those in flight, normally a twentieth of the limit', () => {
    expect(parallelWant(4, 0, 0)).toBe(1);
    expect(parallelWant(100, 0, 0)).toBe(5);
    expect(parallelWant(100, 5, 5)).toBe(5);
    // The holder's slots lapsed under 12 calls in flight: 13 needed before one more fits.
    expect(parallelWant(100, 0, 12)).toBe(13);
    expect(parallelWant(4, 3, 3)).toBe(1);
  });

  it('parallel slots are used only within a TTL of the write that renewed them, which the heartbeat repeats three times per TTL', () => {
    expect(PARALLEL_SLOT_TTL_MS).toBe(15_000);
    expect(PARALLEL_HEARTBEAT_MS * 3).toBe(PARALLEL_SLOT_TTL_MS);
    expect(slotsUsable(1000, 1000 + PARALLEL_SLOT_TTL_MS - 1)).toBe(true);
    expect(slotsUsable(1000, 1000 + PARALLEL_SLOT_TTL_MS)).toBe(false);
    expect(slotsUsable(0, Date.parse('2026-01-01T00:00:00Z'))).toBe(false); // never written
  });

  it('input bound: the UTF-8 bytes of what is sent as input (never fewer than its tokens), images priced as a high-detail image', () => {
    const messages = [{ role: 'user', content: 'héllo' }];
    expect(inputTokenBound({ messages })).toBe(Buffer.byteLength(JSON.stringify(messages)));
    const withImage = [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }];
    expect(inputTokenBound({ messages: withImage })).toBe(Buffer.byteLength(JSON.stringify(withImage)) + 1105);
    expect(inputTokenBound({ input: 'abc' })).toBe(5);
  });

  it('max output: max_completion_tokens, else max_tokens, else none', () => {
    expect(requestedMaxOutput({ max_tokens: 100 })).toBe(100);
    expect(requestedMaxOutput({ max_completion_tokens: 50, max_tokens: 100 })).toBe(50);
    expect(requestedMaxOutput({ max_tokens: 0 })).toBeNull();
    expect(requestedMaxOutput({})).toBeNull();
  });
});
