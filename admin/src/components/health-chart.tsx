import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { HealthBucket } from '../api/types';
import { type TimeRange, utcTickLabels } from '../chart-time';
import { dateTime } from '../format';

/** Seconds since the epoch per bucket, then each series (null where a bucket has no value). */
export function chartData(buckets: HealthBucket[]): uPlot.AlignedData {
  return [
    buckets.map((b) => Date.parse(b.start) / 1000),
    buckets.map((b) => b.p50LatencyMs),
    buckets.map((b) => b.maxLatencyMs),
    buckets.map((b) => b.uptimePercent),
  ];
}

const isoOf = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? '' : new Date(seconds * 1000).toISOString();

/**
 * Latency (median and worst per bucket, left axis) and uptime % (right axis) over the whole window
 * (`range`, however few checks it holds), on a UTC 24-hour time axis, drawn by uPlot on a canvas;
 * the numbers are also in the table beside it for those who cannot see it. What the time axis shows
 * is left on the element (data-x-from, data-x-to, data-x-ticks: [seconds, label] pairs).
 */
export function HealthChart({ buckets, range, label }: { buckets: HealthBucket[]; range: TimeRange; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const span = useRef(range);
  span.current = range;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 320),
      height: 260,
      cursor: { drag: { x: false, y: false } },
      // Ticks on UTC hours and days (uPlot would place and name them in the browser's time zone).
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: {
        // The window asked for, not the span the checks in it happen to cover.
        x: { time: true, range: () => [span.current.from, span.current.to] },
        ms: { auto: true, range: (_u, _min, max) => [0, Math.max(max ?? 0, 10) * 1.1] },
        pct: { range: [0, 100] },
      },
      axes: [
        {
          label: 'time (UTC)',
          values: (_u, ticks, _axis, _space, incr) => {
            const labels = utcTickLabels(ticks, incr);
            element.dataset.xTicks = JSON.stringify(ticks.map((tick, i) => [tick, labels[i]]));
            return labels;
          },
        },
        { scale: 'ms', label: 'latency (ms)', size: 60 },
        { scale: 'pct', side: 1, label: 'uptime %', grid: { show: false }, size: 50 },
      ],
      series: [
        { label: 'time', value: (_u, v) => (v === null ? '—' : dateTime(isoOf(v))) },
        {
          label: 'median latency',
          scale: 'ms',
          stroke: '#1f4e79',
          width: 2,
          points: { show: true, size: 6 },
          value: (_u, v) => (v === null ? '—' : `${v} ms`),
        },
        {
          label: 'worst latency',
          scale: 'ms',
          stroke: '#b25d00',
          width: 1,
          dash: [4, 4],
          points: { show: true, size: 5 },
          value: (_u, v) => (v === null ? '—' : `${v} ms`),
        },
        {
          label: 'uptime',
          scale: 'pct',
          stroke: '#2e7d32',
          width: 2,
          points: { show: true, size: 6 },
          value: (_u, v) => (v === null ? '—' : `${v} %`),
        },
      ],
      hooks: {
        setScale: [
          (u, key) => {
            if (key !== 'x') return;
            element.dataset.xFrom = isoOf(u.scales.x.min);
            element.dataset.xTo = isoOf(u.scales.x.max);
          },
        ],
      },
    };
    const chart = new uPlot(options, chartData([]), element);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(element.clientWidth, 320), height: 260 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    const chart = plot.current;
    if (!chart) return;
    chart.setData(chartData(buckets));
  }, [buckets, range.from, range.to]);

  return <div class="chart" ref={container} role="img" aria-label={label} data-points={buckets.length} data-testid="health-chart" />;
}
