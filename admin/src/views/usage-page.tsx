import { api } from '../api/client';
import type { UsageView } from '../api/types';
import { ago, count } from '../format';
import { usePolling } from '../use-polling';
import { SpendPanel } from './spend-panel';

/** Spend over time (per day and provider or model), then usage per provider and per credential as the registry counts it. */
export function UsagePage() {
  const polled = usePolling(async () => (await api<UsageView>('/usage')).data, 'usage');
  const usage = polled.data;
  return (
    <section aria-labelledby="usage-title">
      <h1 id="usage-title">Usage</h1>
      <SpendPanel />
      <h2>Counters</h2>
      <p class="hint">Totals since each counter started; “pending” is what this server counted but has not written yet.</p>
      {polled.error && (
        <p class="action-error" role="alert">
          Could not load usage: {polled.error}
        </p>
      )}
      {usage && (
        <>
          <h3>Per provider</h3>
          <table data-testid="usage-providers">
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Requests</th>
                <th scope="col">Pending</th>
                <th scope="col">Last used</th>
              </tr>
            </thead>
            <tbody>
              {usage.providers.map((u) => (
                <tr key={u.provider}>
                  <th scope="row">{u.provider}</th>
                  <td>{count(u.usageCount)}</td>
                  <td>{count(u.pending)}</td>
                  <td>{ago(u.lastUsedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Per credential</h3>
          {usage.credentials.length === 0 ? (
            <p>No credentials stored.</p>
          ) : (
            <table data-testid="usage-credentials">
              <thead>
                <tr>
                  <th scope="col">Provider</th>
                  <th scope="col">Credential</th>
                  <th scope="col">Requests</th>
                  <th scope="col">Input tokens</th>
                  <th scope="col">Output tokens</th>
                  <th scope="col">Pending requests</th>
                  <th scope="col">Last used</th>
                </tr>
              </thead>
              <tbody>
                {usage.credentials.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">{c.provider}</th>
                    <td>
                      #{c.id} ({c.credentialType})
                    </td>
                    <td>{count(c.usageCount)}</td>
                    <td>{count(c.inputTokens)}</td>
                    <td>{count(c.outputTokens)}</td>
                    <td>{count(c.pending.requests)}</td>
                    <td>{ago(c.lastUsedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
