import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import type { HealthStatus, Provider, SweepResult } from '../api/types';
import { sweepOutcome, type Tone } from '../check-outcome';
import { ActionStatus, ToneStatus } from '../components/field-error';
import { HealthBadge } from '../components/health-badge';
import { Pager } from '../components/pager';
import { Toggle } from '../components/toggle';
import { ago, availabilityInWords, count, latency } from '../format';
import { linkHandler, hrefOf } from '../router';
import { useSession } from '../session-context';
import { useCursorPages } from '../use-cursor-pages';
import { usePolling } from '../use-polling';

const PAGE_SIZE = 50;

interface Filters {
  q: string;
  enabled: '' | 'true' | 'false';
  health: '' | HealthStatus;
  available: '' | 'true' | 'false';
}

interface Page {
  providers: Provider[];
  total: number;
  nextCursor: string | null;
}

/** Every provider at a glance, a page of 50 at a time from the API (filters and search run there). */
export function ProvidersPage() {
  const { canAct } = useSession();
  const [filters, setFilters] = useState<Filters>({ q: '', enabled: '', health: '', available: '' });
  const [typed, setTyped] = useState('');
  const pages = useCursorPages();
  const { cursor, reset } = pages;
  const [busy, setBusy] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ provider: string; message: string } | null>(null);
  const [sweep, setSweep] = useState<{ error: string | null; outcome: { tone: Tone; text: string } | null }>({
    error: null,
    outcome: null,
  });

  useEffect(() => {
    const timer = setTimeout(() => setFilters((f) => (f.q === typed.trim() ? f : { ...f, q: typed.trim() })), 250);
    return () => clearTimeout(timer);
  }, [typed]);
  useEffect(() => reset(), [filters, reset]);

  const key = JSON.stringify({ filters, cursor });
  const page = usePolling<Page>(async () => {
    const answer = await api<Provider[]>('/providers', { query: { ...filters, limit: PAGE_SIZE, cursor } });
    return {
      providers: answer.data,
      total: Number(answer.meta.total ?? answer.data.length),
      nextCursor: (answer.meta.nextCursor as string | null) ?? null,
    };
  }, key);

  async function toggle(provider: Provider, next: boolean) {
    setBusy(provider.provider);
    setRowError(null);
    try {
      await api<Provider>(`/providers/${encodeURIComponent(provider.provider)}/${next ? 'enable' : 'disable'}`, { method: 'POST' });
      await page.reload();
    } catch (error) {
      setRowError({ provider: provider.provider, message: messageOf(error) });
    } finally {
      setBusy(null);
    }
  }

  async function checkAll() {
    setBusy('*');
    setSweep({ error: null, outcome: null });
    try {
      const { data } = await api<SweepResult>('/health/check', { method: 'POST' });
      setSweep({ error: null, outcome: sweepOutcome(data) });
      await page.reload();
    } catch (error) {
      setSweep({ error: messageOf(error), outcome: null });
    } finally {
      setBusy(null);
    }
  }

  const set =
    <K extends keyof Filters>(name: K) =>
    (event: Event) =>
      setFilters((f) => ({ ...f, [name]: (event.currentTarget as HTMLSelectElement).value }));
  const first = pages.depth * PAGE_SIZE + 1;
  const shown = page.data?.providers.length ?? 0;

  return (
    <section aria-labelledby="providers-title">
      <h1 id="providers-title">Providers</h1>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input type="search" name="q" value={typed} placeholder="name or slug" onInput={(e) => setTyped(e.currentTarget.value)} />
        </label>
        <label>
          Enabled
          <select name="enabled" value={filters.enabled} onChange={set('enabled')}>
            <option value="">all</option>
            <option value="true">on</option>
            <option value="false">off</option>
          </select>
        </label>
        <label>
          Health
          <select name="health" value={filters.health} onChange={set('health')}>
            <option value="">all</option>
            <option value="healthy">healthy</option>
            <option value="degraded">degraded</option>
            <option value="unhealthy">unhealthy</option>
            <option value="unknown">unknown</option>
          </select>
        </label>
        <label>
          Available
          <select name="available" value={filters.available} onChange={set('available')}>
            <option value="">all</option>
            <option value="true">yes</option>
            <option value="false">no</option>
          </select>
        </label>
        <button type="button" disabled={!canAct || busy !== null} onClick={() => void checkAll()}>
          Check all now
        </button>
      </form>
      <ActionStatus error={sweep.error} />
      {sweep.outcome && (
        <ToneStatus tone={sweep.outcome.tone} testId="sweep-result">
          {sweep.outcome.text}
        </ToneStatus>
      )}
      {page.error && (
        <p class="action-error" role="alert">
          Could not load the providers: {page.error}
        </p>
      )}
      {page.loading && !page.data ? (
        <p role="status">Loading providers…</p>
      ) : (
        <>
          <p class="list-summary" role="status" aria-live="polite">
            {page.data && page.data.total > 0 ? `Providers ${first}–${first + shown - 1} of ${page.data.total}` : 'No provider matches.'}
          </p>
          <div class="table-wrap">
            <table class="providers" aria-describedby="providers-title">
              <thead>
                <tr>
                  <th scope="col">Provider</th>
                  <th scope="col">Enabled</th>
                  <th scope="col">Health</th>
                  <th scope="col">Last check</th>
                  <th scope="col">Latency</th>
                  <th scope="col">Availability</th>
                  <th scope="col">Usage</th>
                  <th scope="col">Priority</th>
                </tr>
              </thead>
              <tbody>
                {page.data?.providers.map((p) => (
                  <tr key={p.provider} data-provider={p.provider}>
                    <th scope="row">
                      <a
                        href={hrefOf({ page: 'provider', provider: p.provider })}
                        onClick={linkHandler({ page: 'provider', provider: p.provider })}
                      >
                        {p.displayName}
                      </a>
                      <span class="slug">{p.provider}</span>
                    </th>
                    <td>
                      <Toggle
                        checked={p.enabled}
                        label={`Enable ${p.displayName}`}
                        disabled={!canAct}
                        busy={busy === p.provider}
                        onChange={(next) => void toggle(p, next)}
                      />
                      {rowError?.provider === p.provider && (
                        <p class="field-error" role="alert">
                          {rowError.message}
                        </p>
                      )}
                    </td>
                    <td>
                      <HealthBadge status={p.health.status} />
                    </td>
                    <td>
                      <time dateTime={p.health.lastCheck ?? undefined}>{ago(p.health.lastCheck)}</time>
                    </td>
                    <td>{latency(p.health.latencyMs)}</td>
                    <td class={p.availability.available ? 'available' : 'unavailable'}>
                      {availabilityInWords(p.availability, p.health.lastError, { circuit: p.circuit, budget: p.budget })}
                    </td>
                    <td>{count(p.usage.usageCount)}</td>
                    <td>{p.priority}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            pages={pages}
            nextCursor={page.data?.nextCursor ?? null}
            label="Pages of providers"
            backLabel="← Previous page"
            forwardLabel="Next page →"
          />
        </>
      )}
    </section>
  );
}
