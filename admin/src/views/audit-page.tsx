import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { AUDIT_ACTIONS, type AuditEvent } from '../api/types';
import { auditFields } from '../audit-fields';
import { AuditFieldList } from '../components/audit-field-list';
import { Pager } from '../components/pager';
import { dateTime } from '../format';
import { useCursorPages } from '../use-cursor-pages';
import { usePolling } from '../use-polling';

interface Filters {
  provider: string;
  actor: string;
  action: string;
  since: string;
}

/** Who changed what and when, newest first, filterable, a page at a time. */
export function AuditPage() {
  const [draft, setDraft] = useState<Filters>({ provider: '', actor: '', action: '', since: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const pages = useCursorPages();
  const { cursor } = pages;
  const polled = usePolling(async () => {
    const since = filters.since ? new Date(filters.since).toISOString() : undefined;
    const answer = await api<AuditEvent[]>('/audit', { query: { ...filters, since, limit: 50, cursor } });
    return { events: answer.data, nextCursor: (answer.meta.nextCursor as string | null) ?? null };
  }, JSON.stringify({ filters, cursor }));
  const set = (name: keyof Filters) => (event: Event) =>
    setDraft((d) => ({ ...d, [name]: (event.currentTarget as HTMLInputElement).value }));

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit trail</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          pages.reset();
          setFilters({ ...draft, provider: draft.provider.trim(), actor: draft.actor.trim() });
        }}
      >
        <label>
          Provider
          <input name="provider" value={draft.provider} onInput={set('provider')} />
        </label>
        <label>
          Actor
          <input name="actor" value={draft.actor} onInput={set('actor')} />
        </label>
        <label>
          Action
          <select name="action" value={draft.action} onChange={set('action')}>
            <option value="">all</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          Since
          <input name="since" type="datetime-local" value={draft.since} onInput={set('since')} />
        </label>
        <button type="submit">Filter</button>
      </form>
      {polled.error && (
        <p class="action-error" role="alert">
          {polled.error}
        </p>
      )}
      {polled.data && (
        <>
          <table data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Provider</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
              </tr>
            </thead>
            <tbody>
              {polled.data.events.length === 0 && (
                <tr>
                  <td colSpan={6}>No events match.</td>
                </tr>
              )}
              {polled.data.events.map((e) => (
                <tr key={e.id}>
                  <td class="when">{dateTime(e.occurredAt)}</td>
                  <td>{e.actor}</td>
                  <td>{e.action}</td>
                  <td>{e.provider ?? e.target ?? '—'}</td>
                  <td class="diff-from">
                    <AuditFieldList fields={auditFields(e.before, e.after === null)} />
                  </td>
                  <td class="diff-to">
                    <AuditFieldList fields={auditFields(e.after, e.before === null)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager pages={pages} nextCursor={polled.data.nextCursor} label="Pages of events" backLabel="← Newer" forwardLabel="Older →" />
        </>
      )}
    </section>
  );
}
