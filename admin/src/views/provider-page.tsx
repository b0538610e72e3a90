import { useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import type { HealthCheckResult, Provider } from '../api/types';
import { checkTone, checkVerdict } from '../check-outcome';
import { ActionStatus, ToneStatus } from '../components/field-error';
import { HealthBadge } from '../components/health-badge';
import { Toggle } from '../components/toggle';
import { ago, availabilityInWords, count, dateTime, latency } from '../format';
import { hrefOf, linkHandler } from '../router';
import { useSession } from '../session-context';
import { usePolling } from '../use-polling';
import { CredentialPanel } from './credential-panel';
import { BudgetForm } from './budget-form';
import { HealthPanel } from './health-panel';
import { UiPreferencesForm } from './ui-preferences-form';

/** One provider: state, models, credential, budget, UI preferences, test now, its circuit and health history. */
export function ProviderPage({ provider }: { provider: string }) {
  const { canAct } = useSession();
  const path = `/providers/${encodeURIComponent(provider)}`;
  const polled = usePolling(async () => {
    const answer = await api<Provider>(path);
    return { provider: answer.data, etag: answer.headers.get('ETag') };
  }, path);
  const [toggleError, setToggleError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [test, setTest] = useState<{ result?: HealthCheckResult; error?: string } | null>(null);
  const [healthVersion, setHealthVersion] = useState(0);

  const p = polled.data?.provider;
  if (!p) {
    return (
      <section>
        <p>
          <a href={hrefOf({ page: 'providers' })} onClick={linkHandler({ page: 'providers' })}>
            ← All providers
          </a>
        </p>
        {polled.error ? (
          <p class="action-error" role="alert">
            Could not load {provider}: {polled.error}
          </p>
        ) : (
          <p role="status">Loading {provider}…</p>
        )}
      </section>
    );
  }

  async function toggle(next: boolean) {
    setBusy(true);
    setToggleError(null);
    try {
      await api<Provider>(`${path}/${next ? 'enable' : 'disable'}`, { method: 'POST' });
      await polled.reload();
    } catch (error) {
      setToggleError(messageOf(error));
    } finally {
      setBusy(false);
    }
  }

  async function testNow() {
    setTest(null);
    setBusy(true);
    try {
      const { data } = await api<HealthCheckResult>(`${path}/test`, { method: 'POST' });
      setTest({ result: data });
      setHealthVersion((v) => v + 1);
      await polled.reload();
    } catch (error) {
      setTest({ error: messageOf(error) });
    } finally {
      setBusy(false);
    }
  }

  const models = [
    ...(p.capabilities.textModels ?? []).map((m) => ({
      type: 'text',
      id: m.id,
      name: m.name,
      detail: m.contextLength ? `${count(m.contextLength)} tokens` : '',
    })),
    ...(p.capabilities.embeddingModels ?? []).map((m) => ({
      type: 'embedding',
      id: m.id,
      name: m.name,
      detail: m.dimensions ? `${m.dimensions} dimensions` : '',
    })),
  ];

  return (
    <section aria-labelledby="provider-title" class="provider-page">
      <p>
        <a href={hrefOf({ page: 'providers' })} onClick={linkHandler({ page: 'providers' })}>
          ← All providers
        </a>
      </p>
      <h1 id="provider-title">
        {p.displayName} <span class="slug">{p.provider}</span>
      </h1>
      {polled.error && (
        <p class="action-error" role="alert">
          Could not refresh: {polled.error}
        </p>
      )}
      <div class="cards">
        <div class="card">
          <h2>State</h2>
          <dl class="facts">
            <dt>Enabled</dt>
            <dd>
              <Toggle
                checked={p.enabled}
                label={`Enable ${p.displayName}`}
                disabled={!canAct}
                busy={busy}
                onChange={(next) => void toggle(next)}
              />
              <ActionStatus error={toggleError} />
            </dd>
            <dt>Health</dt>
            <dd>
              <HealthBadge status={p.health.status} /> checked {ago(p.health.lastCheck)}, {latency(p.health.latencyMs)}
              {p.health.lastError && <span class="reason"> — {p.health.lastError}</span>}
            </dd>
            <dt>Availability</dt>
            <dd data-testid="availability">
              {availabilityInWords(p.availability, p.health.lastError, { circuit: p.circuit, budget: p.budget })}
            </dd>
            <dt>Priority</dt>
            <dd>
              {p.priority}
              {p.priorityOverride !== null && ` (operator override; catalog says ${p.catalogPriority})`}
            </dd>
            <dt>Usage</dt>
            <dd>
              {count(p.usage.usageCount)} requests, last {ago(p.usage.lastUsedAt)}
            </dd>
            <dt>API</dt>
            <dd>
              {p.capabilities.probe ?? '—'} at <code>{p.capabilities.baseUrl ?? '—'}</code>
            </dd>
            <dt>Needs</dt>
            <dd>
              {p.capabilities.requiresApiKey === false ? (
                'no API key'
              ) : (
                <>
                  an API key, stored in the registry (never read from the environment): the credential form below, or{' '}
                  <code>ai-registry ai:credentials:set {p.provider} --key-stdin</code>
                </>
              )}
            </dd>
          </dl>
          <button type="button" class="primary" disabled={!canAct || busy} onClick={() => void testNow()}>
            Test now
          </button>
          {test?.result && (
            <ToneStatus tone={checkTone(test.result)} testId="test-result">
              {checkVerdict(test.result)}: <HealthBadge status={test.result.status} />
              {test.result.probed ? ` ${latency(test.result.latencyMs)}` : ' (the provider was not called)'}
              {test.result.reason ? ` — ${test.result.reason}` : ''} at {dateTime(test.result.checkedAt)}
            </ToneStatus>
          )}
          <ActionStatus error={test?.error ?? null} />
        </div>
        <CredentialPanel provider={p} onChanged={() => void polled.reload()} />
        <BudgetForm provider={p} etag={polled.data?.etag ?? null} onSaved={() => void polled.reload()} />
      </div>
      <HealthPanel provider={p.provider} version={healthVersion} />
      <div class="cards">
        <div class="card">
          <h2>Models</h2>
          {models.length === 0 ? (
            <p>No models in the catalog.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col">Model</th>
                  <th scope="col">Name</th>
                  <th scope="col">Size</th>
                </tr>
              </thead>
              <tbody>
                {models.map((m) => (
                  <tr key={`${m.type}:${m.id}`}>
                    <td>{m.type}</td>
                    <td>
                      <code>{m.id}</code>
                    </td>
                    <td>{m.name}</td>
                    <td>{m.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <UiPreferencesForm provider={p} etag={polled.data?.etag ?? null} onSaved={() => void polled.reload()} />
      </div>
    </section>
  );
}
