import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { HealthBucket } from '../api/types';

/** Seconds since the epoch per bucket, then each series (null where a bucket has no value). */
export function chartData(buckets: HealthBucket[]): uPlot.AlignedData {
  return [
    buckets.map((b) => Date.parse(b.start) / 1000),
    buckets.map((b) => b.p50LatencyMs),
    buckets.map((b) => b.maxLatencyMs),
    buckets.map((b) => b.uptimePercent),
  ];
}

/**
 * Latency (median and worst per bucket, left axis) and uptime % (right axis) over the window, drawn
 * by uPlot on a canvas; the numbers are also in the table beside it for those who cannot see it.
 */
export function HealthChart({ buckets, label }: { buckets: HealthBucket[]; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 320),
      height: 260,
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        ms: { auto: true, range: (_u, _min, max) => [0, Math.max(max ?? 0, 10) * 1.1] },
        pct: { range: [0, 100] },
      },
      axes: [
        {},
        { scale: 'ms', label: 'latency (ms)', size: 60 },
        { scale: 'pct', side: 1, label: 'uptime %', grid: { show: false }, size: 50 },
      ],
      series: [
        { label: 'time' },
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
    // uPlot alone stretches a single time point over years of empty axis: an hour either side of it instead.
    if (buckets.length === 1) {
      const at = Date.parse(buckets[0].start) / 1000;
      chart.setScale('x', { min: at - 3600, max: at + 3600 });
    }
  }, [buckets]);

  return <div class="chart" ref={container} role="img" aria-label={label} data-points={buckets.length} data-testid="health-chart" />;
}
