import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { SpendSeries } from '../spend';

// Distinct hues, and a dash pattern each, so lines can be told apart without colour; the legend names them.
const STROKES = ['#1f4e79', '#b25d00', '#2e7d32', '#7b1fa2', '#c62828', '#00838f', '#5d4037', '#455a64'];
const DASHES: number[][] = [[], [6, 3], [2, 3], [8, 3, 2, 3]];

export function spendChartData(series: SpendSeries): uPlot.AlignedData {
  return [series.days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000), ...series.values];
}

/**
 * The x axis spans the range asked for, half a day beyond its ends, so a single day (this month, on
 * the 1st) sits in the middle: uPlot alone stretches one time point over years of empty axis.
 */
function fitDays(chart: uPlot, days: string[]): void {
  if (days.length === 0) return;
  const first = Date.parse(`${days[0]}T00:00:00Z`) / 1000;
  const last = Date.parse(`${days[days.length - 1]}T00:00:00Z`) / 1000;
  chart.setScale('x', { min: first - 43_200, max: last + 43_200 });
}

const money = (_u: uPlot, v: number | null) => (v === null ? '—' : `$${v.toFixed(v < 1 ? 4 : 2)}`);

/**
 * Spend per day, one line per provider or model, drawn by uPlot; rebuilt when the set of lines
 * changes (uPlot's series are fixed per chart). The same numbers are in the table below it.
 */
export function SpendChart({ series, label }: { series: SpendSeries; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = `${series.days.join(',')}|${series.keys.join('\u0000')}`;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 320),
      height: 260,
      cursor: { drag: { x: false, y: false } },
      // Days are UTC days: ticks on UTC midnights, a day or more apart, named by their date.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      // One day alone (this month, on the 1st) would leave uPlot no span: half a day either side of it.
      scales: {
        x: { time: true, range: (_u, min, max) => (min === max ? [min - 43_200, max + 43_200] : [min, max]) },
        usd: { auto: true, range: (_u, _min, max) => [0, Math.max(max ?? 0, 0.01) * 1.1] },
      },
      axes: [
        {
          incrs: [86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400, 28 * 86_400],
          values: (_u, ticks) => ticks.map((t) => new Date(t * 1000).toISOString().slice(5, 10)),
        },
        { scale: 'usd', label: 'spend (USD)', size: 70, values: (_u, ticks) => ticks.map((t) => `$${t}`) },
      ],
      series: [
        { label: 'day', value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toISOString().slice(0, 10)) },
        ...series.keys.map((key, i) => ({
          label: key,
          scale: 'usd',
          stroke: STROKES[i % STROKES.length],
          dash: DASHES[i % DASHES.length],
          width: 2,
          points: { show: true, size: 7 },
          value: money,
        })),
      ],
    };
    const chart = new uPlot(options, spendChartData(series), element);
    plot.current = chart;
    fitDays(chart, series.days);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(element.clientWidth, 320), height: 260 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Rebuilt for a new set of days or lines (`shape`); the same lines with new numbers only redraw (below).
  }, [shape]);

  useEffect(() => {
    if (!plot.current) return;
    plot.current.setData(spendChartData(series));
    fitDays(plot.current, series.days);
  }, [series]);

  const plotted = series.values.reduce((sum, line) => sum + line.filter((v) => v > 0).length, 0);
  return (
    <div
      class="chart"
      ref={container}
      role="img"
      aria-label={label}
      data-points={plotted}
      data-series={series.keys.length}
      data-testid="spend-chart"
    />
  );
}
