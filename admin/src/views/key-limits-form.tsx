import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, messageOf } from '../api/client';
import type { ConsumerKey } from '../api/types';
import { ActionStatus } from '../components/field-error';
import { NO_LIMIT_VALUES, limitErrorsByField, limitValuesOf, limitsBody, type LimitField, type LimitValues } from '../key-limits';
import { KeyLimitFields } from './key-limit-fields';

/**
 * Change one key's limits (admins): the form starts from GET /api/keys/:id and saves with its ETag as
 * If-Match, so a change made meanwhile (another operator, the CLI) is not overwritten: the save is
 * refused (412) and the form shows the key as it now is. What the API refuses is said at the field.
 */
export function KeyLimitsForm({
  keyId,
  name,
  onSaved,
  onClose,
}: {
  keyId: string;
  name: string;
  onSaved: () => void;
  onClose: () => void;
}) {
  const [etag, setEtag] = useState<string | null>(null);
  const [values, setValues] = useState<LimitValues>(NO_LIMIT_VALUES);
  const [loaded, setLoaded] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<LimitField, string>>>({});
  const [status, setStatus] = useState<{ error: string | null; done: string | null }>({ error: null, done: null });
  const [busy, setBusy] = useState(false);
  const path = `/keys/${encodeURIComponent(keyId)}`;

  /** The key as it is now, and the ETag to change it from. */
  async function load(): Promise<void> {
    const answer = await api<ConsumerKey>(path);
    setEtag(answer.headers.get('ETag'));
    setValues(limitValuesOf(answer.data));
    setLoaded(true);
  }

  useEffect(() => {
    load().catch((error: unknown) => setStatus({ error: `Could not load the key's limits: ${messageOf(error)}`, done: null }));
  }, [path]);

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setStatus({ error: null, done: null });
    try {
      const answer = await api<ConsumerKey>(path, {
        method: 'PATCH',
        body: limitsBody(values, 'update'),
        headers: etag ? { 'If-Match': etag } : {},
      });
      setEtag(answer.headers.get('ETag'));
      setValues(limitValuesOf(answer.data));
      setStatus({ error: null, done: `Limits of ${name} saved.` });
      onSaved();
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        await load().catch(() => undefined);
        setStatus({
          error: `Not saved: ${name} was changed by someone else after you started editing. The form now shows its current limits; make your change again.`,
          done: null,
        });
        onSaved();
        return;
      }
      const { fields, others } = limitErrorsByField(error instanceof ApiError ? error.fieldErrors : []);
      setErrors(fields);
      const marked = Object.keys(fields).length > 0;
      setStatus({
        error:
          others.length > 0 ? others.map((e) => e.message).join('; ') : marked ? 'Not saved: see the marked fields.' : messageOf(error),
        done: null,
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card" onSubmit={(e) => void save(e)} aria-labelledby="key-limits-title" noValidate data-testid="key-limits-form">
      <h2 id="key-limits-title">Limits of {name}</h2>
      <p class="hint">
        Each holds across every instance; the budget resets at the start of each UTC day or month. Empty: no limit; an empty budget removes
        it.
      </p>
      <KeyLimitFields
        idPrefix="key-limits"
        values={values}
        errors={errors}
        disabled={!loaded}
        onChange={(change) => setValues((current) => ({ ...current, ...change }))}
      />
      <div class="actions">
        <button type="submit" class="primary" disabled={!loaded || busy}>
          Save limits
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <ActionStatus error={status.error} done={status.done} />
    </form>
  );
}
