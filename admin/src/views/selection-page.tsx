import { useState } from 'preact/hooks';
import { ApiError, api, messageOf } from '../api/client';
import type { ModelType, Selection, SkippedCandidate } from '../api/types';
import { ActionStatus } from '../components/field-error';
import { reasonInWords } from '../format';

interface Preference {
  provider: string;
  model: string;
}

const SOURCES: Record<string, string> = {
  command_override: 'command override',
  project_preference: 'project preference',
  vault_preference: 'vault preference',
  operation: 'operation override',
  global_default: 'global default',
  fallback_chain: 'fallback chain',
};

function preferenceOf(p: Preference) {
  return p.provider.trim() ? { provider: p.provider.trim(), ...(p.model.trim() ? { model: p.model.trim() } : {}) } : undefined;
}

function PreferenceFields({
  name,
  label,
  value,
  onChange,
}: {
  name: string;
  label: string;
  value: Preference;
  onChange: (p: Preference) => void;
}) {
  return (
    <fieldset>
      <legend>{label}</legend>
      <label>
        Provider
        <input name={`${name}-provider`} value={value.provider} onInput={(e) => onChange({ ...value, provider: e.currentTarget.value })} />
      </label>
      <label>
        Model
        <input name={`${name}-model`} value={value.model} onInput={(e) => onChange({ ...value, model: e.currentTarget.value })} />
      </label>
    </fieldset>
  );
}

/** Which provider and model a request would get, and why every earlier candidate was passed over. */
export function SelectionPage() {
  const empty: Preference = { provider: '', model: '' };
  const [modelType, setModelType] = useState<ModelType>('text');
  const [operation, setOperation] = useState('');
  const [command, setCommand] = useState(empty);
  const [project, setProject] = useState(empty);
  const [vault, setVault] = useState(empty);
  const [result, setResult] = useState<{ selection?: Selection; skipped: SkippedCandidate[]; error?: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function explain(event: Event) {
    event.preventDefault();
    setBusy(true);
    try {
      const body = {
        modelType,
        ...(operation.trim() ? { operation: operation.trim() } : {}),
        commandOverride: preferenceOf(command),
        projectPreference: preferenceOf(project),
        vaultPreference: preferenceOf(vault),
      };
      const { data } = await api<Selection>('/models/select', { method: 'POST', body });
      setResult({ selection: data, skipped: data.skipped });
    } catch (error) {
      const skipped = error instanceof ApiError && Array.isArray(error.meta.skipped) ? (error.meta.skipped as SkippedCandidate[]) : [];
      setResult({ skipped, error: messageOf(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="selection-title">
      <h1 id="selection-title">Selection explainer</h1>
      <form class="selection-form" onSubmit={(e) => void explain(e)}>
        <label>
          Model type
          <select name="modelType" value={modelType} onChange={(e) => setModelType(e.currentTarget.value as ModelType)}>
            <option value="text">text</option>
            <option value="embedding">embedding</option>
          </select>
        </label>
        <label>
          Operation (optional)
          <input name="operation" value={operation} onInput={(e) => setOperation(e.currentTarget.value)} />
        </label>
        <PreferenceFields name="command" label="Command override" value={command} onChange={setCommand} />
        <PreferenceFields name="project" label="Project preference" value={project} onChange={setProject} />
        <PreferenceFields name="vault" label="Vault preference" value={vault} onChange={setVault} />
        <button type="submit" class="primary" disabled={busy}>
          Explain the choice
        </button>
      </form>
      {result && (
        <div class="card" aria-live="polite" data-testid="selection-result">
          {result.selection ? (
            <p class="choice">
              Chosen: <strong>{result.selection.provider}</strong> / <code>{result.selection.model}</code> from the{' '}
              {SOURCES[result.selection.source] ?? result.selection.source}.
            </p>
          ) : (
            <ActionStatus error={result.error ?? null} />
          )}
          <h2>Candidates passed over, in order</h2>
          {result.skipped.length === 0 ? (
            <p>None: the first candidate was taken.</p>
          ) : (
            <ol class="skipped">
              {result.skipped.map((s, index) => (
                <li key={index}>
                  <strong>{s.candidate.provider}</strong>
                  {s.candidate.model ? (
                    <>
                      {' '}
                      / <code>{s.candidate.model}</code>
                    </>
                  ) : null}{' '}
                  ({SOURCES[s.candidate.source] ?? s.candidate.source}): {reasonInWords(s.reason)} — {s.detail}
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </section>
  );
}
