import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, messageOf } from '../api/client';
import type { Provider } from '../api/types';
import { ActionStatus, FieldErrorText } from '../components/field-error';
import { parsePreferenceValue, preferenceKeyOfError, preferenceValueText } from '../format';
import { useSession } from '../session-context';

interface Row {
  id: number;
  key: string;
  value: string;
}

let nextRowId = 1;

function rowsOf(preferences: Record<string, unknown>): Row[] {
  return Object.entries(preferences).map(([key, value]) => ({ id: nextRowId++, key, value: preferenceValueText(value) }));
}

/**
 * UI preferences as a form of key/value rows. The API validates them (no secret-looking keys or values,
 * size and depth limits) and its own messages are shown at the row they name.
 */
export function UiPreferencesForm({ provider, etag, onSaved }: { provider: Provider; etag: string | null; onSaved: () => void }) {
  const { canAct } = useSession();
  const [rows, setRows] = useState<Row[]>(() => rowsOf(provider.uiPreferences));
  const [dirty, setDirty] = useState(false);
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ error: string | null; done: string | null }>({ error: null, done: null });
  const [busy, setBusy] = useState(false);
  const saved = JSON.stringify(provider.uiPreferences);
  const lastSaved = useRef(saved);
  // The provider's version when editing began: the save applies only if nobody changed it since (If-Match).
  const editingFrom = useRef<string | null>(null);

  // A change made elsewhere shows up while nothing is being edited here.
  useEffect(() => {
    if (saved !== lastSaved.current && !dirty) setRows(rowsOf(provider.uiPreferences));
    lastSaved.current = saved;
  }, [saved, dirty, provider.uiPreferences]);

  const startEditing = () => {
    if (!dirty) editingFrom.current = etag;
    setDirty(true);
  };

  const edit = (id: number, change: Partial<Row>) => {
    startEditing();
    setRows((all) => all.map((row) => (row.id === id ? { ...row, ...change } : row)));
  };

  async function save(event: Event) {
    event.preventDefault();
    const keys = rows.map((r) => r.key.trim());
    const duplicate = keys.find((key, index) => key !== '' && keys.indexOf(key) !== index);
    if (keys.some((key) => key === '')) {
      setStatus({ error: 'Every row needs a name (or remove the row).', done: null });
      return;
    }
    if (duplicate) {
      setRowErrors({ [duplicate]: `"${duplicate}" appears twice` });
      return;
    }
    const uiPreferences = Object.fromEntries(rows.map((r) => [r.key.trim(), parsePreferenceValue(r.value)]));
    setBusy(true);
    setRowErrors({});
    setStatus({ error: null, done: null });
    try {
      const ifMatch = editingFrom.current;
      await api<Provider>(`/providers/${encodeURIComponent(provider.provider)}`, {
        method: 'PATCH',
        body: { uiPreferences },
        headers: ifMatch ? { 'If-Match': ifMatch } : {},
      });
      editingFrom.current = null;
      setDirty(false);
      setStatus({ error: null, done: 'UI preferences saved' });
      onSaved();
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        // Someone else changed the provider meanwhile: show theirs rather than overwrite it.
        editingFrom.current = null;
        setDirty(false);
        setRows(rowsOf(provider.uiPreferences));
        setStatus({
          error:
            'Not saved: someone else changed this provider after you started editing. The form shows the current preferences; make your change again.',
          done: null,
        });
        onSaved();
        return;
      }
      const atRows: Record<string, string> = {};
      const general: string[] = [];
      if (error instanceof ApiError) {
        for (const fieldError of error.fieldErrors) {
          const key = preferenceKeyOfError(fieldError.field, keys);
          if (key !== null) atRows[key] = fieldError.message;
          else general.push(fieldError.message);
        }
      }
      setRowErrors(atRows);
      setStatus({
        error:
          general.length > 0 ? general.join('; ') : Object.keys(atRows).length > 0 ? 'Not saved: see the marked rows.' : messageOf(error),
        done: null,
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card" onSubmit={(e) => void save(e)} aria-labelledby="prefs-title" noValidate>
      <h2 id="prefs-title">UI preferences</h2>
      <p class="hint">Free settings for this console (colour, label, ordering…). Values are JSON or plain text. Never put a secret here.</p>
      {rows.length === 0 && <p>No preferences set.</p>}
      {rows.map((row, index) => {
        const error = rowErrors[row.key.trim()];
        const errorId = `pref-error-${row.id}`;
        return (
          <fieldset class="pref-row" key={row.id} data-pref={row.key}>
            <legend class="visually-hidden">Preference {index + 1}</legend>
            <label>
              Name
              <input
                name={`pref-key-${index}`}
                value={row.key}
                disabled={!canAct}
                aria-invalid={error ? 'true' : undefined}
                aria-describedby={error ? errorId : undefined}
                onInput={(e) => edit(row.id, { key: e.currentTarget.value })}
              />
            </label>
            <label>
              Value
              <input
                name={`pref-value-${index}`}
                value={row.value}
                disabled={!canAct}
                aria-invalid={error ? 'true' : undefined}
                aria-describedby={error ? errorId : undefined}
                onInput={(e) => edit(row.id, { value: e.currentTarget.value })}
              />
            </label>
            <button
              type="button"
              aria-label={`Remove preference ${row.key || index + 1}`}
              disabled={!canAct}
              onClick={() => {
                startEditing();
                setRows((all) => all.filter((r) => r.id !== row.id));
              }}
            >
              Remove
            </button>
            <FieldErrorText id={errorId} message={error} />
          </fieldset>
        );
      })}
      <div class="actions">
        <button
          type="button"
          disabled={!canAct}
          onClick={() => {
            startEditing();
            setRows((all) => [...all, { id: nextRowId++, key: '', value: '' }]);
          }}
        >
          Add preference
        </button>
        <button type="submit" class="primary" disabled={!canAct || busy}>
          Save preferences
        </button>
      </div>
      <ActionStatus error={status.error} done={status.done} />
    </form>
  );
}
