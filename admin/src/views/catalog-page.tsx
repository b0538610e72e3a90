import { useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import type { SyncResult } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ActionStatus } from '../components/field-error';
import { useSession } from '../session-context';

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function Diff({ result }: { result: SyncResult }) {
  const nothing = result.created.length + result.updated.length + result.pruned.length === 0;
  return (
    <div class="card" data-testid="sync-diff">
      <h2>{result.dryRun ? 'What a sync would change' : 'What the sync changed'}</h2>
      {nothing && <p>Nothing: the registry matches the catalog file.</p>}
      {result.created.length > 0 && (
        <p>
          <strong>New providers:</strong> {result.created.join(', ')}
        </p>
      )}
      {result.updated.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Field</th>
              <th scope="col">{result.dryRun ? 'Now' : 'Was'}</th>
              <th scope="col">{result.dryRun ? 'Catalog' : 'Now'}</th>
            </tr>
          </thead>
          <tbody>
            {result.updated.flatMap((u) =>
              u.changes.map((c) => (
                <tr key={`${u.provider}:${c.field}`}>
                  <td>{u.provider}</td>
                  <td>{c.field}</td>
                  <td class="diff-from">{show(c.from).slice(0, 200)}</td>
                  <td class="diff-to">{show(c.to).slice(0, 200)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
      {result.pruned.length > 0 && (
        <p>
          <strong>Disabled (left the catalog):</strong> {result.pruned.join(', ')}
        </p>
      )}
      {result.notInCatalog.length > 0 && (
        <p>
          <strong>Not in the catalog (kept as they are):</strong> {result.notInCatalog.join(', ')}
        </p>
      )}
      {result.overridden.length > 0 && (
        <p>
          <strong>Operator overrides kept:</strong> {result.overridden.map((o) => `${o.provider} ${o.field}`).join(', ')}
        </p>
      )}
      <p class="hint">{result.unchanged.length} providers unchanged.</p>
    </div>
  );
}

/** Catalog sync: a dry run shows the diff; applying it writes the catalog file into the registry. */
export function CatalogPage() {
  const { canAct } = useSession();
  const [prune, setPrune] = useState(false);
  const [result, setResult] = useState<SyncResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  async function sync(dryRun: boolean) {
    setBusy(true);
    setError(null);
    setConfirming(false);
    try {
      setResult((await api<SyncResult>('/catalog/sync', { method: 'POST', body: { dryRun, prune } })).data);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">Catalog sync</h1>
      <p>Writes the catalog file into the registry. Never touches enabled, operator overrides, UI preferences, usage or health.</p>
      <div class="actions">
        <label class="check">
          <input type="checkbox" name="prune" checked={prune} disabled={!canAct} onChange={(e) => setPrune(e.currentTarget.checked)} />{' '}
          Disable providers that left the catalog
        </label>
        <button type="button" class="primary" disabled={!canAct || busy} onClick={() => void sync(true)}>
          Dry run
        </button>
        <button type="button" disabled={!canAct || busy || !result?.dryRun} onClick={() => setConfirming(true)}>
          Apply…
        </button>
      </div>
      {!canAct && <p class="hint">The sync route needs an admin token, even for a dry run.</p>}
      <ActionStatus error={error} />
      {result && <Diff result={result} />}
      {confirming && (
        <ConfirmDialog
          title="Apply the catalog?"
          confirmLabel="Apply the sync"
          onConfirm={() => void sync(false)}
          onCancel={() => setConfirming(false)}
        >
          <p>The changes shown by the dry run are written now{prune ? ', and providers that left the catalog are disabled' : ''}.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
