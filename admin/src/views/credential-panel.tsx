import { useState } from 'preact/hooks';
import { ApiError, api, messageOf } from '../api/client';
import type { Credential, CredentialSummary, Provider } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ActionStatus, FieldErrorText } from '../components/field-error';
import { dateTime } from '../format';
import { useSession } from '../session-context';

/** datetime-local input value (local time, minutes) ⇄ ISO 8601. */
function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

function fromLocalInput(value: string): string | null {
  return value ? new Date(value).toISOString() : null;
}

/** The provider's credential, masked; the key is only ever typed into a password field and sent. */
export function CredentialPanel({ provider, onChanged }: { provider: Provider; onChanged: () => void }) {
  const { canAct } = useSession();
  const credential: CredentialSummary | undefined = provider.credentials[0];
  const base = `/providers/${encodeURIComponent(provider.provider)}/credentials`;
  const [apiKey, setApiKey] = useState('');
  const [expiry, setExpiry] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ error: string | null; done: string | null }>({ error: null, done: null });
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const expiryValue = expiry ?? toLocalInput(credential?.expiresAt ?? null);

  async function run(action: () => Promise<string>) {
    setBusy(true);
    setErrors({});
    setStatus({ error: null, done: null });
    try {
      const done = await action();
      setStatus({ error: null, done });
      onChanged();
    } catch (error) {
      if (error instanceof ApiError && error.fieldErrors.length > 0) {
        setErrors(Object.fromEntries(error.fieldErrors.map((e) => [e.field, e.message])));
      }
      setStatus({ error: messageOf(error), done: null });
    } finally {
      setBusy(false);
    }
  }

  const storeKey = (event: Event) => {
    event.preventDefault();
    if (!apiKey) {
      setErrors({ apiKey: 'Type the new key first.' });
      return;
    }
    const expiresAt = fromLocalInput(expiryValue);
    void run(async () => {
      const body = { apiKey, ...(expiresAt ? { expiresAt } : {}) };
      const { data } = credential
        ? await api<Credential>(`${base}/${credential.id}`, { method: 'PATCH', body })
        : await api<Credential>(base, { method: 'POST', body });
      // The field is cleared at once: the key lives nowhere on the page after it was sent.
      setApiKey('');
      return `Key stored: ${data.masked}`;
    });
  };

  const setExpiryOnly = () =>
    credential &&
    void run(async () => {
      const expiresAt = fromLocalInput(expiryValue);
      await api<Credential>(`${base}/${credential.id}`, { method: 'PATCH', body: { expiresAt } });
      setExpiry(null);
      return expiresAt ? `Expires ${dateTime(expiresAt)}` : 'Never expires';
    });

  const setActive = (isActive: boolean) =>
    credential &&
    void run(async () => {
      await api<Credential>(`${base}/${credential.id}`, { method: 'PATCH', body: { isActive } });
      return isActive ? 'Credential activated' : 'Credential deactivated';
    });

  const remove = () =>
    credential &&
    void run(async () => {
      setConfirming(false);
      await api<{ removed: string }>(`${base}/${credential.id}`, { method: 'DELETE' });
      return 'Credential removed';
    });

  return (
    <div class="card" aria-labelledby="credential-title">
      <h2 id="credential-title">Credential</h2>
      {credential ? (
        <dl class="facts">
          <dt>Key</dt>
          <dd>
            <code data-testid="masked-key">{credential.masked ?? 'cannot be decrypted with this key ring'}</code>
          </dd>
          <dt>Status</dt>
          <dd>{credential.status}</dd>
          <dt>Expires</dt>
          <dd>{credential.expiresAt ? dateTime(credential.expiresAt) : 'never'}</dd>
          {credential.baseUrl && (
            <>
              <dt>Bound to</dt>
              <dd>
                <code>{credential.baseUrl}</code>
              </dd>
            </>
          )}
        </dl>
      ) : (
        <p>No credential stored{provider.capabilities.requiresApiKey === false ? ' (this provider needs none).' : '.'}</p>
      )}
      <form onSubmit={storeKey} class="stack" noValidate>
        <label for="api-key">{credential ? 'Replace the key' : 'API key'}</label>
        <input
          id="api-key"
          name="apiKey"
          type="password"
          autoComplete="new-password"
          spellcheck={false}
          value={apiKey}
          disabled={!canAct}
          aria-invalid={errors.apiKey ? 'true' : undefined}
          aria-describedby={errors.apiKey ? 'api-key-error' : undefined}
          onInput={(e) => setApiKey(e.currentTarget.value)}
        />
        <FieldErrorText id="api-key-error" message={errors.apiKey ?? errors.input} />
        <label for="expires-at">Expires (local time; empty: never)</label>
        <input
          id="expires-at"
          name="expiresAt"
          type="datetime-local"
          value={expiryValue}
          disabled={!canAct}
          aria-invalid={errors.expiresAt ? 'true' : undefined}
          aria-describedby={errors.expiresAt ? 'expires-at-error' : undefined}
          onInput={(e) => setExpiry(e.currentTarget.value)}
        />
        <FieldErrorText id="expires-at-error" message={errors.expiresAt} />
        <div class="actions">
          <button type="submit" class="primary" disabled={!canAct || busy}>
            {credential ? 'Replace key' : 'Store key'}
          </button>
          {credential && (
            <>
              <button type="button" disabled={!canAct || busy} onClick={setExpiryOnly}>
                Set expiry
              </button>
              <button type="button" disabled={!canAct || busy} onClick={() => setActive(credential.status === 'inactive')}>
                {credential.status === 'inactive' ? 'Activate' : 'Deactivate'}
              </button>
              <button type="button" class="danger" disabled={!canAct || busy} onClick={() => setConfirming(true)}>
                Remove…
              </button>
            </>
          )}
        </div>
      </form>
      <ActionStatus error={status.error} done={status.done} />
      {confirming && credential && (
        <ConfirmDialog
          title={`Remove the credential of ${provider.displayName}?`}
          confirmLabel="Remove credential"
          onConfirm={remove}
          onCancel={() => setConfirming(false)}
        >
          <p>
            The key <code>{credential.masked}</code> is deleted. The provider becomes unavailable until a new key is stored.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
