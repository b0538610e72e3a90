import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { ConsumerKey } from '../api/types';
import { RESULT_WORDS, utcFromInput } from '../request-log';
import { usePolling } from '../use-polling';

/** The filters of GET /api/requests, as its query takes them (empty: not filtered). */
export interface RequestQuery {
  key: string;
  provider: string;
  model: string;
  result: string;
  status: string;
  from: string | undefined;
  to: string | undefined;
}

interface Draft extends Omit<RequestQuery, 'from' | 'to'> {
  from: string;
  to: string;
}

const EMPTY: Draft = { key: '', provider: '', model: '', result: '', status: '', from: '', to: '' };

export const NO_FILTERS: RequestQuery = { ...EMPTY, from: undefined, to: undefined };

/**
 * The Requests page's filters, applied together by "Filter": the consumer key (its names offered),
 * provider and model that answered, how the call ended, the upstream's HTTP status, and a time range
 * typed in UTC.
 */
export function RequestFilters({ onApply }: { onApply: (query: RequestQuery) => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const keys = usePolling(async () => (await api<ConsumerKey[]>('/keys')).data, 'request-filter-keys', 60_000);
  const set = (name: keyof Draft) => (event: Event) =>
    setDraft((d) => ({ ...d, [name]: (event.currentTarget as HTMLInputElement | HTMLSelectElement).value }));

  return (
    <form
      class="filters"
      role="search"
      aria-label="Filter the requests"
      onSubmit={(e) => {
        e.preventDefault();
        const trimmed = { ...draft, key: draft.key.trim(), provider: draft.provider.trim(), model: draft.model.trim() };
        onApply({ ...trimmed, status: draft.status.trim(), from: utcFromInput(draft.from), to: utcFromInput(draft.to) });
      }}
    >
      <label>
        Key
        <input name="key" list="request-key-names" value={draft.key} placeholder="name or id" onInput={set('key')} />
        <datalist id="request-key-names">
          {keys.data?.map((k) => (
            <option key={k.id} value={k.name} />
          ))}
        </datalist>
      </label>
      <label>
        Provider
        <input name="provider" value={draft.provider} placeholder="slug" onInput={set('provider')} />
      </label>
      <label>
        Model
        <input name="model" value={draft.model} placeholder="gpt-4o-mini" onInput={set('model')} />
      </label>
      <label>
        Result
        <select name="result" value={draft.result} onChange={set('result')}>
          <option value="">all</option>
          {Object.entries(RESULT_WORDS).map(([result, words]) => (
            <option key={result} value={result}>
              {words}
            </option>
          ))}
        </select>
      </label>
      <label>
        HTTP status
        <input name="status" type="number" min={100} max={599} step={1} value={draft.status} onInput={set('status')} />
      </label>
      <label>
        From (UTC)
        <input name="from" type="datetime-local" value={draft.from} onInput={set('from')} />
      </label>
      <label>
        To (UTC)
        <input name="to" type="datetime-local" value={draft.to} onInput={set('to')} />
      </label>
      <button type="submit">Filter</button>
    </form>
  );
}
