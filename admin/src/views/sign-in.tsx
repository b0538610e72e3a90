import { useState } from 'preact/hooks';
import { ApiError, api, messageOf } from '../api/client';
import type { Principal } from '../api/types';
import { FieldErrorText } from '../components/field-error';

/** Sign in with an API token; it is checked against the API before it is kept (in this tab's session only). */
export function SignIn({ onSignedIn, notice }: { onSignedIn: (token: string, principal: Principal) => void; notice?: string | null }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const value = token.trim();
    if (!value) {
      setError('Enter an API token (admin or viewer).');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { data } = await api<Principal>('/auth/whoami', { token: value });
      setToken('');
      onSignedIn(value, data);
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401
          ? 'This token is not valid (unknown, revoked or expired).'
          : messageOf(failure),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="sign-in">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title" noValidate>
        <h1 id="sign-in-title">Provider registry</h1>
        <p>Sign in with an API token. An admin token can change things; a viewer token sees everything read-only.</p>
        {notice && (
          <p class="banner" role="status">
            {notice}
          </p>
        )}
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellcheck={false}
          value={token}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'token-error' : undefined}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <FieldErrorText id="token-error" message={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
