import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import type { HealthWindow, ProviderHealth } from '../api/types';
import { healthWindowRange } from '../chart-time';
import { HealthBadge } from '../components/health-badge';
import { HealthChart } from '../components/health-chart';
import { circuitPhaseInWords, clockTime, dateTime, latency, percent } from '../format';
import { usePolling } from '../use-polling';

const SOURCES = { probe: 'probe', traffic: 'real traffic' } as const;

/**
 * A provider's health over the last 24 h or 7 d: uptime, latency, a chart and every failed check with its
 * reason; its circuit (passive health from real calls) and which source decided the state now.
 */
export function HealthPanel({ provider, version }: { provider: string; version: number }) {
  const [window, setWindow] = useState<HealthWindow>('24h');
  const path = `/providers/${encodeURIComponent(provider)}/health`;
  const polled = usePolling(async () => (await api<ProviderHealth>(path, { query: { window } })).data, `${path}:${window}`, 5000);
  const { reload } = polled;
  useEffect(() => {
    if (version > 0) void reload();
  }, [version, reload]);

  const health = polled.data;
  const buckets = health?.window?.buckets ?? [];
  const checks = buckets.reduce((sum, b) => sum + b.checks, 0);
  const failures = buckets.reduce((sum, b) => sum + b.failures, 0);
  const uptime = checks > 0 ? (100 * (checks - failures)) / checks : null;
  const problems = health?.window?.problems ?? [];

  return (
    <section class="card health-panel" aria-labelledby="health-title">
      <div class="card-head">
        <h2 id="health-title">Health history</h2>
        <div class="segmented" role="group" aria-label="Time window">
          {(['24h', '7d'] as const).map((w) => (
            <button key={w} type="button" aria-pressed={window === w} onClick={() => setWindow(w)}>
              {w === '24h' ? 'Last 24 h' : 'Last 7 days'}
            </button>
          ))}
        </div>
      </div>
      {polled.error && (
        <p class="action-error" role="alert">
          Could not load the health history: {polled.error}
        </p>
      )}
      {health && (
        <>
          <dl class="facts inline">
            <dt>Now</dt>
            <dd>
              <HealthBadge status={health.status} />
            </dd>
            <dt>Decided by</dt>
            <dd data-testid="decided-by">{health.decidedBy === 'traffic' ? 'real traffic' : 'probes'}</dd>
            <dt>Uptime</dt>
            <dd data-testid="uptime">{percent(uptime)}</dd>
            <dt>Checks</dt>
            <dd>{checks}</dd>
            <dt>Failed</dt>
            <dd>{failures}</dd>
            <dt>p50 / p95 (24 h)</dt>
            <dd>
              {latency(health.p50LatencyMs24h)} / {latency(health.p95LatencyMs24h)}
            </dd>
            {health.drift.length > 0 && (
              <>
                <dt>Models gone</dt>
                <dd>{health.drift.join(', ')}</dd>
              </>
            )}
          </dl>
          <h3>Circuit (real calls)</h3>
          <dl class="facts" data-testid="circuit">
            <dt>Phase</dt>
            <dd data-phase={health.circuit.phase}>{circuitPhaseInWords(health.circuit.phase)}</dd>
            {health.circuit.until && (
              <>
                <dt>{health.circuit.phase === 'open' ? 'Back at' : 'Cooled down at'}</dt>
                <dd>
                  <time dateTime={health.circuit.until}>{clockTime(health.circuit.until)}</time>
                </dd>
              </>
            )}
            <dt>Trips in a row</dt>
            <dd>{health.circuit.trips}</dd>
            <dt>Reason</dt>
            <dd>{health.circuit.reason ?? '—'}</dd>
          </dl>
          {buckets.length === 0 ? <p>No checks in this window yet. “Test now” runs one.</p> : null}
          <HealthChart
            buckets={buckets}
            range={healthWindowRange(window, health.window?.since ?? null, buckets[0]?.start ?? null, Date.now())}
            label={`Latency and uptime of ${provider} over the ${window === '24h' ? 'last 24 hours' : 'last 7 days'}`}
          />
          <details>
            <summary>The numbers as a table</summary>
            <table>
              <thead>
                <tr>
                  <th scope="col">From</th>
                  <th scope="col">Checks</th>
                  <th scope="col">Failed</th>
                  <th scope="col">Uptime</th>
                  <th scope="col">Median</th>
                  <th scope="col">Worst</th>
                </tr>
              </thead>
              <tbody>
                {buckets.map((b) => (
                  <tr key={b.start}>
                    <td>{dateTime(b.start)}</td>
                    <td>{b.checks}</td>
                    <td>{b.failures}</td>
                    <td>{percent(b.uptimePercent)}</td>
                    <td>{latency(b.p50LatencyMs)}</td>
                    <td>{latency(b.maxLatencyMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
          <h3>Failed and degraded checks</h3>
          {problems.length === 0 ? (
            <p>None in this window.</p>
          ) : (
            <ul class="problems" data-testid="problems">
              {problems.map((check, index) => (
                <li key={`${check.checkedAt}-${index}`}>
                  <time dateTime={check.checkedAt}>{dateTime(check.checkedAt)}</time> <HealthBadge status={check.status} />{' '}
                  {check.reason ?? 'no reason recorded'} {check.latencyMs !== null && `(${latency(check.latencyMs)})`}
                  {check.source === 'traffic' && <span class="source-tag"> decided by real traffic</span>}
                </li>
              ))}
            </ul>
          )}
          <h3>Recent checks (newest 10)</h3>
          {health.history.length === 0 ? (
            <p>None yet.</p>
          ) : (
            <table data-testid="health-history">
              <thead>
                <tr>
                  <th scope="col">At</th>
                  <th scope="col">Decided by</th>
                  <th scope="col">Status</th>
                  <th scope="col">Latency</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {health.history.slice(0, 10).map((check, index) => (
                  <tr key={`${check.checkedAt}-${index}`} data-source={check.source ?? 'probe'}>
                    <td>
                      <time dateTime={check.checkedAt}>{dateTime(check.checkedAt)}</time>
                    </td>
                    <td>{SOURCES[check.source ?? 'probe']}</td>
                    <td>
                      <HealthBadge status={check.status} />
                    </td>
                    <td>{latency(check.latencyMs)}</td>
                    <td>{check.reason ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
