import { healthWindowRange, utcTickLabels } from '../../../admin/src/chart-time';

const at = (iso: string) => Date.parse(iso) / 1000;

describe('chart time axes', () => {
  it('spans the whole health window asked for, however few checks it holds', () => {
    const now = Date.parse('2026-12-05T04:10:00Z');
    expect(healthWindowRange('24h', '2026-12-04T04:10:00.000Z', '2026-12-05T02:00:00.000Z', now)).toEqual({
      from: at('2026-12-04T04:10:00Z'),
      to: at('2026-12-05T04:10:00Z'),
    });
    expect(healthWindowRange('7d', '2026-11-28T04:10:00.000Z', null, now)).toEqual({
      from: at('2026-11-28T04:10:00Z'),
      to: at('2026-12-05T04:10:00Z'),
    });
    // A first bucket starting before `since` stays in view; without `since`, the window ends now.
    expect(healthWindowRange('24h', '2026-12-04T04:10:00.000Z', '2026-12-04T04:00:00.000Z', now).from).toBe(at('2026-12-04T04:00:00Z'));
    expect(healthWindowRange('24h', null, null, now)).toEqual({ from: at('2026-12-04T04:10:00Z'), to: at('2026-12-05T04:10:00Z') });
  });

  it('labels ticks in 24-hour UTC, with the day under the first tick and each midnight; days alone a day or more apart', () => {
    const ticks = ['2026-12-04T18:00:00Z', '2026-12-04T21:00:00Z', '2026-12-05T00:00:00Z', '2026-12-05T03:00:00Z'].map(at);
    expect(utcTickLabels(ticks, 3 * 3600)).toEqual(['18:00\n12-04', '21:00', '00:00\n12-05', '03:00']);
    expect(utcTickLabels([at('2026-11-30T00:00:00Z'), at('2026-12-01T00:00:00Z')], 86_400)).toEqual(['11-30', '12-01']);
  });
});
