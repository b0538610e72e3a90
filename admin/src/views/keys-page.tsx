import { useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import type { ConsumerKey, CreatedConsumerKey } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ActionStatus } from '../components/field-error';
import { dateTime } from '../format';
import { limitsInWords } from '../key-limits';
import { STATUS_WORDS, shownPrefix, type KnownModel } from '../keys';
import { useSession } from '../session-context';
import { usePolling } from '../use-polling';
import { KeyCreateForm } from './key-create-form';
import { KeyLimitsForm } from './key-limits-form';
import { NewKeyReveal } from './new-key-reveal';

/** A key's models: every model, a short list inline, a long one folded. */
function ModelsCell({ models }: { models: string[] | null }) {
  if (models === null) return <em>every model</em>;
  if (models.length <= 3)
    return (
      <ul class="key-model-list">
        {models.map((m) => (
          <li key={m}>
            <code>{m}</code>
          </li>
        ))}
      </ul>
    );
  return (
    <details>
      <summary>{models.length} models</summary>
      <ul class="key-model-list">
        {models.map((m) => (
          <li key={m}>
            <code>{m}</code>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** A key's limits in words, one a line; "no limits" when it has none. */
function LimitsCell({ limits }: { limits: string[] }) {
  if (limits.length === 0) return <em>no limits</em>;
  return (
    <ul class="key-model-list">
      {limits.map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  );
}

/**
 * The gateway's consumer keys (what services send to /v1), revoked and expired ones included. Admins
 * create keys (the key shown once), change their limits and revoke them after a confirmation; viewers
 * see the list only.
 */
export function KeysPage() {
  const { canAct } = useSession();
  const keys = usePolling(async () => (await api<ConsumerKey[]>('/keys')).data, 'keys');
  const [created, setCreated] = useState<{ key: CreatedConsumerKey; known: readonly KnownModel[] } | null>(null);
  const [confirming, setConfirming] = useState<ConsumerKey | null>(null);
  const [editing, setEditing] = useState<ConsumerKey | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [revoke, setRevoke] = useState<{ error: string | null; done: string | null }>({ error: null, done: null });

  async function revokeKey(key: ConsumerKey) {
    setConfirming(null);
    setBusy(key.id);
    setRevoke({ error: null, done: null });
    try {
      await api<ConsumerKey>(`/keys/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
      setRevoke({ error: null, done: `Revoked ${key.name}: calls with ${shownPrefix(key.prefix)} are refused from now on.` });
      await keys.reload();
    } catch (error) {
      setRevoke({ error: `Could not revoke ${key.name}: ${messageOf(error)}`, done: null });
      await keys.reload();
    } finally {
      setBusy(null);
    }
  }

  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">Keys</h1>
      <p class="hint">
        Consumer keys are what services calling the gateway (<code>{location.origin}/v1</code>) send as their API key; each may call every
        model or only those it lists. Only a key's hash is kept: a key is shown once, when it is created.
      </p>
      {canAct &&
        (created ? (
          <NewKeyReveal created={created.key} known={created.known} onDone={() => setCreated(null)} />
        ) : (
          <KeyCreateForm
            onCreated={(key, known) => {
              setCreated({ key, known });
              void keys.reload();
            }}
          />
        ))}
      <h2>Keys of the gateway</h2>
      <ActionStatus error={revoke.error} done={revoke.done} />
      {keys.error && (
        <p class="action-error" role="alert">
          Could not load the keys: {keys.error}
        </p>
      )}
      {keys.loading && !keys.data ? (
        <p role="status">Loading keys…</p>
      ) : (
        keys.data && (
          <div class="table-wrap">
            <table class="keys" data-testid="keys-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Models</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col">Limits</th>
                  {canAct && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {keys.data.length === 0 && (
                  <tr>
                    <td colSpan={canAct ? 8 : 7}>No keys yet.</td>
                  </tr>
                )}
                {keys.data.map((k) => (
                  <tr key={k.id} data-key={k.name}>
                    <th scope="row">{k.name}</th>
                    <td>
                      <code>{shownPrefix(k.prefix)}</code>
                    </td>
                    <td>
                      <ModelsCell models={k.models} />
                    </td>
                    <td class="when">{k.expiresAt ? dateTime(k.expiresAt) : 'never'}</td>
                    <td data-testid="key-status">
                      <span class={`key-status key-${k.status}`}>{STATUS_WORDS[k.status] ?? k.status}</span>
                      {k.revokedAt && <span class="hint"> {dateTime(k.revokedAt)}</span>}
                    </td>
                    <td class="when">{dateTime(k.createdAt)}</td>{' '}
                    <td data-testid="key-limits">
                      <LimitsCell limits={limitsInWords(k)} />
                    </td>
                    {canAct && (
                      <td>
                        {k.status !== 'revoked' && (
                          <button type="button" aria-label={`Limits of ${k.name}…`} onClick={() => setEditing(k)}>
                            Limits…
                          </button>
                        )}{' '}
                        {k.status !== 'revoked' && (
                          <button
                            type="button"
                            class="danger"
                            aria-label={`Revoke ${k.name}…`}
                            disabled={busy !== null}
                            onClick={() => setConfirming(k)}
                          >
                            Revoke…
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      )}
      {canAct && editing && (
        <KeyLimitsForm
          key={editing.id}
          keyId={editing.id}
          name={editing.name}
          onSaved={() => void keys.reload()}
          onClose={() => setEditing(null)}
        />
      )}
      {confirming && (
        <ConfirmDialog
          title={`Revoke the key ${confirming.name}?`}
          confirmLabel="Revoke key"
          onConfirm={() => void revokeKey(confirming)}
          onCancel={() => setConfirming(null)}
        >
          <p>
            Services sending <code>{shownPrefix(confirming.prefix)}</code> are refused from then on: by this server at once, by the other
            instances within moments. A revoked key cannot be restored, and its name stays taken.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
