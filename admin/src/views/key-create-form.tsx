import { useState } from 'preact/hooks';
import { ApiError, api, messageOf } from '../api/client';
import type { CreatedConsumerKey, Provider } from '../api/types';
import { ActionStatus, FieldErrorText } from '../components/field-error';
import { NO_LIMIT_VALUES, limitErrorsByField, limitsBody, type LimitField, type LimitValues } from '../key-limits';
import { errorsByField, expiryOf, knownModelsOf, type KeyFormField, type KnownModel } from '../keys';
import { usePolling } from '../use-polling';
import { KeyLimitFields } from './key-limit-fields';
import { KeyModelsField, type ModelScope } from './key-models-field';

/** Every provider the registry knows, a page of 200 at a time (the API's largest page). */
async function allProviders(): Promise<Provider[]> {
  const providers: Provider[] = [];
  let cursor: string | undefined;
  do {
    const answer = await api<Provider[]>('/providers', { query: { limit: 200, cursor } });
    providers.push(...answer.data);
    cursor = (answer.meta.nextCursor as string | null | undefined) ?? undefined;
  } while (cursor);
  return providers;
}

/** Tomorrow in UTC, `YYYY-MM-DD`: the first day a new key can expire on. */
function tomorrow(): string {
  return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
}

/**
 * A new consumer key (admins only): name, the models it may call, an optional expiry day, optional
 * limits. The API
 * checks everything; its messages are shown at the field they name.
 */
export function KeyCreateForm({ onCreated }: { onCreated: (created: CreatedConsumerKey, known: readonly KnownModel[]) => void }) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ModelScope>('all');
  const [chosen, setChosen] = useState<string[]>([]);
  const [expiry, setExpiry] = useState('');
  const [limits, setLimits] = useState<LimitValues>(NO_LIMIT_VALUES);
  const [errors, setErrors] = useState<Partial<Record<KeyFormField, string>>>({});
  const [limitErrors, setLimitErrors] = useState<Partial<Record<LimitField, string>>>({});
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The catalog's models change rarely: read again every minute, not every 3 s.
  const known = usePolling(async () => knownModelsOf(await allProviders()), 'key-models', 60_000);

  async function create(event: Event) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setLimitErrors({});
    setStatus(null);
    try {
      const expiresAt = expiryOf(expiry);
      const body = {
        name: name.trim(),
        ...(scope === 'some' ? { models: chosen } : {}),
        ...(expiresAt ? { expiresAt } : {}),
        ...limitsBody(limits, 'create'),
      };
      const { data } = await api<CreatedConsumerKey>('/keys', { method: 'POST', body });
      setName('');
      setScope('all');
      setChosen([]);
      setExpiry('');
      setLimits(NO_LIMIT_VALUES);
      onCreated(data, known.data ?? []);
    } catch (error) {
      const split = limitErrorsByField(error instanceof ApiError ? error.fieldErrors : []);
      const { fields, general } = errorsByField(split.others);
      // A taken name (409) comes without a field: it is the name's.
      if (error instanceof ApiError && error.status === 409 && !fields.name) fields.name = error.message;
      setErrors(fields);
      setLimitErrors(split.fields);
      const marked = Object.keys(fields).length + Object.keys(split.fields).length > 0;
      setStatus(general.length > 0 ? general.join('; ') : marked ? 'Not created: see the marked fields.' : messageOf(error));
    } finally {
      setBusy(false);
    }
  }

  const invalid = (field: KeyFormField, id: string) => ({
    'aria-invalid': errors[field] ? ('true' as const) : undefined,
    'aria-describedby': errors[field] ? id : undefined,
  });

  return (
    <form class="card key-form" onSubmit={(e) => void create(e)} aria-labelledby="key-form-title" noValidate>
      <h2 id="key-form-title">Create a key</h2>
      <label for="key-name">Name</label>
      <input
        id="key-name"
        name="name"
        autoComplete="off"
        spellcheck={false}
        value={name}
        placeholder="reports-svc"
        {...invalid('name', 'key-name-error')}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <FieldErrorText id="key-name-error" message={errors.name} />
      <p class="hint">Lowercase a-z, 0-9, _ . - (not all digits), unique: logs, usage and the audit trail name the key by it.</p>
      <KeyModelsField
        scope={scope}
        chosen={chosen}
        known={known.data}
        knownError={known.error}
        error={errors.models}
        onScope={setScope}
        onChosen={setChosen}
      />
      <label for="key-expiry">Expires on (at the start of that day, UTC; empty: never)</label>
      <input
        id="key-expiry"
        name="expiresAt"
        type="date"
        min={tomorrow()}
        value={expiry}
        {...invalid('expiresAt', 'key-expiry-error')}
        onInput={(e) => setExpiry(e.currentTarget.value)}
      />
      <FieldErrorText id="key-expiry-error" message={errors.expiresAt} />
      <KeyLimitFields
        idPrefix="key-new"
        values={limits}
        errors={limitErrors}
        onChange={(change) => setLimits((current) => ({ ...current, ...change }))}
      />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Create key
        </button>
      </div>
      <ActionStatus error={status} />
    </form>
  );
}
