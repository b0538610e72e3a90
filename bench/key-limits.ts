import { ADMIN_TOKEN } from '../test/support/instances';
import { startFakeUpstream, startOurs } from './support/gateway-peers';
import { load, sideBySide, table } from './support/load';

/**
 * `npm run bench -- key-limits` (about a minute; `--quick` or BENCH_QUICK=1: 2 rounds of 1 s): the
 * gateway's throughput for a consumer key with every limit (rpm, tpm, a USD budget, max_parallel; none
 * reached) beside a key with none, in one run on one server — rounds interleaved, medians of rounds.
 * Non-streaming chats at 50 connections in front of the bench's fake OpenAI upstream, the same body for
 * both keys. Target: limits on ÷ limits off ≥ 0.9 (a limited call is served from slices leased in
 * memory; the database is asked once per slice, not per call). Beside it, the statements the limited
 * rounds sent naming the key limits' tables. Ours on the local PostgreSQL (BENCH_DATABASE_URL's server;
 * leases then cost real round trips), else, when that cannot be reached, the embedded default.
 */

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const CONNECTIONS = 50;
const ROUNDS = QUICK ? 2 : 5;
const SECONDS = QUICK ? 1 : 3;
/** Limits no round reaches (a round's calls in a minute stay well under rpm; tpm and USD are reserved per call at 100 output tokens). */
const LIMITS = { rpm: 1_000_000, tpm: 500_000_000, budgetUsd: 1000, budgetWindow: 'day', maxParallel: 100 };
const body = (model: string) => ({ model, messages: [{ role: 'user', content: 'Say hello' }], max_tokens: 100 });
const LIMIT_TABLES = ['consumer_key_allowances', 'consumer_key_parallel_slots'];

export async function keyLimitsBench(): Promise<void> {
  const fake = await startFakeUpstream();
  try {
    const ours = await startOurs(fake.baseUrl);
    if ('skipped' in ours) {
      console.log(`key limits: skipped: ${ours.skipped}\n`);
      return;
    }
    try {
      const created = await fetch(`${new URL(ours.url).origin}/api/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bench-limited', ...LIMITS }),
      });
      const limitedKey = ((await created.json()) as { data: { key: string } }).data.key;
      const target = (key: string) => ({
        url: ours.url,
        method: 'POST' as const,
        headers: { authorization: `Bearer ${key}` },
        body: body(ours.model),
      });
      const off = target(ours.headers.authorization.slice('Bearer '.length));
      const on = target(limitedKey);
      for (const warm of [off, on]) await load(warm, CONNECTIONS, 1);

      let statements = 0;
      let limitedCalls = 0;
      const limited = async () => {
        const before = await ours.queries();
        const result = await load(on, CONNECTIONS, SECONDS);
        const after = await ours.queries();
        for (const [label, n] of Object.entries(after)) {
          if (LIMIT_TABLES.some((t) => label.endsWith(` ${t}`))) statements += n - (before[label] ?? 0);
        }
        limitedCalls += result.rps * SECONDS;
        return result;
      };
      const results = await sideBySide({ 'no limits': () => load(off, CONNECTIONS, SECONDS), 'every limit': limited }, ROUNDS);
      const ratio = results['every limit'].rps / results['no limits'].rps;
      const failed = results['every limit'].failed + results['no limits'].failed;
      console.log(
        `key limits: chat JSON through ours (${ours.database}), ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${SECONDS} s` +
          `${QUICK ? ' (--quick)' : ''}, medians${failed > 0 ? ` — ${failed} requests failed, figures not comparable` : ''}\n` +
          table(
            ['key', 'req/s', 'p50 ms', 'p99 ms'],
            Object.entries(results).map(([name, r]) => [name, r.rps, r.p50.toFixed(1), r.p99.toFixed(1)]),
          ) +
          `\nlimits on ÷ no limits: ${ratio.toFixed(2)} (target ≥ 0.9${ratio >= 0.9 ? '' : ': MISSED'}); ` +
          `${statements} statements on the key limits' tables during ~${Math.round(limitedCalls).toLocaleString('en-US')} limited calls ` +
          `(${((statements / limitedCalls) * 1000).toFixed(1)} per 1,000; each parallel slot take also sends BEGIN, its lock and COMMIT)\n`,
      );
    } finally {
      await ours.close();
    }
  } finally {
    await fake.close();
  }
}
