import { useState } from 'preact/hooks';
import { FieldErrorText } from '../components/field-error';
import { filterModels, groupByProvider, type KnownModel } from '../keys';

export type ModelScope = 'all' | 'some';

interface KeyModelsFieldProps {
  scope: ModelScope;
  chosen: string[];
  known: readonly KnownModel[] | undefined;
  knownError: string | null;
  error: string | undefined;
  onScope: (scope: ModelScope) => void;
  onChosen: (chosen: string[]) => void;
}

/**
 * Which models a new key may call: every model, or the `provider/model` entries checked here — the
 * models the catalog lists for each provider, filtered as typed, plus any entry typed by hand (a model
 * the catalog does not list). The API checks every entry and its message is shown under the list.
 */
export function KeyModelsField({ scope, chosen, known, knownError, error, onScope, onChosen }: KeyModelsFieldProps) {
  const [filter, setFilter] = useState('');
  const [typed, setTyped] = useState('');
  const toggle = (entry: string, on: boolean) =>
    onChosen(on ? [...chosen.filter((e) => e !== entry), entry] : chosen.filter((e) => e !== entry));
  const knownEntries = new Set((known ?? []).map((m) => m.entry));
  const others = chosen.filter((e) => !knownEntries.has(e));
  const groups = groupByProvider(filterModels(known ?? [], filter));
  const add = () => {
    const entry = typed.trim();
    if (entry) toggle(entry, true);
    setTyped('');
  };

  return (
    <fieldset class="key-models" aria-describedby={error ? 'key-models-error' : undefined}>
      <legend>Models</legend>
      <label class="check">
        <input type="radio" name="scope" value="all" checked={scope === 'all'} onChange={() => onScope('all')} />
        Every model, also those added later
      </label>
      <label class="check">
        <input type="radio" name="scope" value="some" checked={scope === 'some'} onChange={() => onScope('some')} />
        Only the models chosen below
      </label>
      {scope === 'some' && (
        <div class="model-choice">
          <p class="hint" role="status">
            {chosen.length === 0 ? 'No model chosen yet.' : `${chosen.length} chosen: ${chosen.join(', ')}`}
          </p>
          <label>
            Filter models
            <input
              type="search"
              name="model-filter"
              value={filter}
              placeholder="provider or model"
              onInput={(e) => setFilter(e.currentTarget.value)}
            />
          </label>
          {knownError && <p class="action-error">Could not load the registry's models: {knownError}</p>}
          {known === undefined && !knownError && <p role="status">Loading the registry's models…</p>}
          <div class="model-groups" data-testid="model-options">
            {groups.map((g) => (
              <fieldset key={g.provider} class="model-group">
                <legend>
                  {g.providerName} <span class="slug">{g.provider}</span>
                </legend>
                {g.models.map((m) => (
                  <label key={m.entry} class="check">
                    <input
                      type="checkbox"
                      value={m.entry}
                      checked={chosen.includes(m.entry)}
                      onChange={(e) => toggle(m.entry, e.currentTarget.checked)}
                    />
                    <code>{m.entry}</code>
                    {m.type === 'embedding' && <span class="hint"> embedding</span>}
                  </label>
                ))}
              </fieldset>
            ))}
            {known !== undefined && groups.length === 0 && <p>No model of the registry matches.</p>}
            {others.length > 0 && (
              <fieldset class="model-group">
                <legend>Typed by hand</legend>
                {others.map((entry) => (
                  <label key={entry} class="check">
                    <input type="checkbox" value={entry} checked onChange={() => toggle(entry, false)} />
                    <code>{entry}</code>
                  </label>
                ))}
              </fieldset>
            )}
          </div>
          <div class="add-model">
            <label>
              Another model (provider/model)
              <input
                name="model-entry"
                value={typed}
                autoComplete="off"
                spellcheck={false}
                placeholder="openrouter/meta-llama/llama-3.1-70b-instruct"
                onInput={(e) => setTyped(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key !== 'Enter') return;
                  e.preventDefault();
                  add();
                }}
              />
            </label>
            <button type="button" onClick={add} disabled={typed.trim() === ''}>
              Add
            </button>
          </div>
        </div>
      )}
      <FieldErrorText id="key-models-error" message={error} />
    </fieldset>
  );
}
