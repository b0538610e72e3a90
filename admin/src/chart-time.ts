import type { HealthWindow } from './api/types';

/** Pure time axes for the charts: UTC and 24-hour, as every other time in the console. */

/** A span of time in seconds since the epoch (uPlot's unit). */
export interface TimeRange {
  from: number;
  to: number;
}

const WINDOW_SECONDS: Record<HealthWindow, number> = { '24h': 86_400, '7d': 7 * 86_400 };

/**
 * The whole window asked for, from when the API says it starts (`since`, else `now` minus the window)
 * to its end; a first bucket that starts a little before `since` is kept in view.
 */
export function healthWindowRange(window: HealthWindow, since: string | null, firstBucket: string | null, now: number): TimeRange {
  const seconds = WINDOW_SECONDS[window];
  const start = since ? Date.parse(since) / 1000 : now / 1000 - seconds;
  const first = firstBucket ? Date.parse(firstBucket) / 1000 : start;
  return { from: Math.min(start, first), to: start + seconds };
}

/**
 * Tick labels of a time axis: "14:00" (24-hour UTC) with the day under the first tick and under
 * each UTC midnight ("00:00\n12-05"), or the day alone ("12-05") when ticks are a day or more apart.
 */
export function utcTickLabels(ticks: number[], incrSeconds: number): string[] {
  let previousDay: string | null = null;
  return ticks.map((tick) => {
    const iso = new Date(tick * 1000).toISOString();
    const day = iso.slice(5, 10);
    const time = iso.slice(11, 16);
    const newDay = day !== previousDay;
    previousDay = day;
    if (incrSeconds >= 86_400) return day;
    return newDay ? `${time}\n${day}` : time;
  });
}
