import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, whenSignedOut } from './api/client';
import { forgetToken, storeToken, storedToken } from './api/session';
import type { Principal } from './api/types';
import { ConnectionBanner } from './components/connection-banner';
import { ErrorBoundary } from './components/error-boundary';
import { Route, hrefOf, linkHandler, useRoute } from './router';
import { SessionContext, SessionState } from './session-context';
import { AuditPage } from './views/audit-page';
import { CatalogPage } from './views/catalog-page';
import { KeysPage } from './views/keys-page';
import { ProviderPage } from './views/provider-page';
import { ProvidersPage } from './views/providers-page';
import { RequestsPage } from './views/requests-page';
import { SelectionPage } from './views/selection-page';
import { SignIn } from './views/sign-in';
import { UsagePage } from './views/usage-page';

const NAV: Array<{ route: Route; label: string }> = [
  { route: { page: 'providers' }, label: 'Providers' },
  { route: { page: 'selection' }, label: 'Selection' },
  { route: { page: 'catalog' }, label: 'Catalog sync' },
  { route: { page: 'usage' }, label: 'Usage' },
  { route: { page: 'requests' }, label: 'Requests' },
  { route: { page: 'keys' }, label: 'Keys' },
  { route: { page: 'audit' }, label: 'Audit trail' },
];

function View({ route }: { route: Route }) {
  switch (route.page) {
    case 'providers':
      return <ProvidersPage />;
    case 'provider':
      return <ProviderPage provider={route.provider} />;
    case 'selection':
      return <SelectionPage />;
    case 'catalog':
      return <CatalogPage />;
    case 'usage':
      return <UsagePage />;
    case 'requests':
      return <RequestsPage />;
    case 'keys':
      return <KeysPage />;
    case 'audit':
      return <AuditPage />;
  }
}

export function App() {
  const route = useRoute();
  const [principal, setPrincipal] = useState<Principal | null>(null);
  const [checking, setChecking] = useState(() => storedToken() !== null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    whenSignedOut(() => {
      setPrincipal(null);
      setNotice('Your token is no longer accepted (revoked or expired). Sign in again.');
    });
    if (!storedToken()) return;
    // A reload in the same tab keeps the session: ask the API who the stored token is.
    api<Principal>('/auth/whoami')
      .then(({ data }) => setPrincipal(data))
      .catch(() => undefined)
      .finally(() => setChecking(false));
  }, []);

  const session = useMemo<SessionState | null>(
    () =>
      principal && {
        principal,
        canAct: principal.role === 'admin',
        signOut: () => {
          forgetToken();
          setPrincipal(null);
          setNotice(null);
        },
      },
    [principal],
  );

  if (checking) return <p class="boot">Signing in…</p>;
  if (!session)
    return (
      <>
        <ConnectionBanner />
        <SignIn
          notice={notice}
          onSignedIn={(token, who) => {
            storeToken(token);
            setNotice(null);
            setPrincipal(who);
          }}
        />
      </>
    );

  const current = route.page === 'provider' ? 'providers' : route.page;
  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Provider registry</span>
        <nav aria-label="Sections">
          <ul>
            {NAV.map(({ route: target, label }) => (
              <li key={label}>
                <a href={hrefOf(target)} onClick={linkHandler(target)} aria-current={current === target.page ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who" data-testid="who">
          {session.principal.name} ({session.principal.role}
          {session.canAct ? '' : ', read-only'})
        </span>
        <button type="button" onClick={session.signOut}>
          Sign out
        </button>
      </header>
      <ConnectionBanner />
      {!session.canAct && (
        <p class="banner banner-readonly" role="note">
          Signed in with a viewer token: everything is visible, nothing can be changed.
        </p>
      )}
      <main id="main" tabIndex={-1}>
        <ErrorBoundary resetKey={JSON.stringify(route)}>
          <View route={route} />
        </ErrorBoundary>
      </main>
    </SessionContext.Provider>
  );
}
