import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { RequestLogEntry } from '../api/types';
import { Pager } from '../components/pager';
import { useCursorPages } from '../use-cursor-pages';
import { usePolling } from '../use-polling';
import { NO_FILTERS, RequestFilters, type RequestQuery } from './request-filters';
import { REQUEST_COLUMNS, RequestRow } from './request-row';

const PAGE_SIZE = 50;

/**
 * The gateway's request log, newest first, 50 calls a page (older ones by cursor): each call's time,
 * key, model asked, who answered, result, tokens, cost, latency, time to first token, and the attempts
 * that failed before it. Never a prompt, an answer or a key (the API holds none).
 */
export function RequestsPage() {
  const [query, setQuery] = useState<RequestQuery>(NO_FILTERS);
  const pages = useCursorPages();
  const { cursor } = pages;
  const polled = usePolling(async () => {
    const answer = await api<RequestLogEntry[]>('/requests', { query: { ...query, limit: PAGE_SIZE, cursor } });
    return { requests: answer.data, nextCursor: (answer.meta.nextCursor as string | null) ?? null };
  }, JSON.stringify({ query, cursor }));

  return (
    <section aria-labelledby="requests-title">
      <h1 id="requests-title">Requests</h1>
      <p class="hint">
        Every call through the gateway (<code>/v1</code>), newest first; times are UTC. Calls are written in batches (every{' '}
        <code>USAGE_FLUSH_MS</code>, a second by default) and kept <code>REQUEST_LOG_DAYS</code> days.
      </p>
      <RequestFilters
        onApply={(next) => {
          pages.reset();
          setQuery(next);
        }}
      />
      {polled.error && (
        <p class="action-error" role="alert">
          Could not load the requests: {polled.error}
        </p>
      )}
      {polled.loading && !polled.data ? (
        <p role="status">Loading requests…</p>
      ) : (
        polled.data && (
          <>
            <div class="table-wrap">
              <table class="requests" data-testid="requests-table">
                <thead>
                  <tr>
                    {REQUEST_COLUMNS.map((column) => (
                      <th key={column} scope="col">
                        {column}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {polled.data.requests.length === 0 && (
                    <tr>
                      <td colSpan={REQUEST_COLUMNS.length}>No calls match.</td>
                    </tr>
                  )}
                  {polled.data.requests.map((entry) => (
                    <RequestRow key={entry.id} entry={entry} />
                  ))}
                </tbody>
              </table>
            </div>
            <Pager pages={pages} nextCursor={polled.data.nextCursor} label="Pages of requests" backLabel="← Newer" forwardLabel="Older →" />
          </>
        )
      )}
    </section>
  );
}
