import type { Client } from 'pg';
import { FakeProvider, FakeProviderServer, RecordedRequest } from '../support/fake-provider-server';
import { waitFor } from '../support/server-process';
import { describeOnRealPostgres } from '../support/test-database';
import { ADMIN_TOKEN, Instance, OPENAI_KEY, psql, startInstance, stopInstance } from '../support/instances';
import { MODES, ModeDatabase, openModeDatabase } from './modes';
import { printFigure } from '../support/print-figure';

const INSTANCES = 3;
/** Input tokens the fake reports per call: below the input bound the gateway reserves for the budget test's messages. */
const FAKE_INPUT_TOKENS = 3000;

interface Reply {
  status: number;
  headers: Headers;
  body: { error?: { type?: string; code?: string | null } };
}

/** A gateway call with a consumer key; `tag` marks its message so the fake's records tell this test's calls apart. */
async function chat(instance: Instance, key: string, tag: string, extra: Record<string, unknown> = {}, padding = 0): Promise<Reply> {
  const response = await fetch(`${instance.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `${tag} ${'x'.repeat(padding)}` }], ...extra }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as Reply['body'] };
}

/** `count` concurrent calls spread round-robin over the instances. */
function burst(instances: Instance[], count: number, call: (instance: Instance) => Promise<Reply>): Promise<Reply[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => call(instances[i % instances.length])));
}

/** The fake's model calls whose message carries `tag`. */
function callsTagged(fake: FakeProvider, tag: string): RecordedRequest[] {
  return fake.requests().filter((r) => r.method === 'POST' && JSON.stringify(r.body ?? '').includes(tag));
}

/** The most requests the fake had open at one moment (an end at the same ms as a start counted first). */
function mostOpenAtOnce(requests: RecordedRequest[]): number {
  const events = requests.flatMap((r) => [
    { at: r.receivedAt, delta: 1 },
    { at: r.closedAt ?? Number.MAX_SAFE_INTEGER, delta: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let most = 0;
  for (const { delta } of events) most = Math.max(most, (open += delta));
  return most;
}

/** A counter's total on one instance's /metrics, over the label sets that start with `prefix`. */
async function counter(instance: Instance, prefix: string): Promise<number> {
  const response = await fetch(`${instance.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

async function totalOver(instances: Instance[], prefix: string): Promise<number> {
  return (await Promise.all(instances.map((instance) => counter(instance, prefix)))).reduce((a, b) => a + b, 0);
}

/** Rows written to consumer_key_allowances as PostgreSQL's statistics count them (inserts + updates + deletes). */
async function allowanceWrites(client: Client): Promise<number> {
  // The other sessions' counts reach the statistics when they go idle (at most a second later in PostgreSQL 15).
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query<{ writes: string }>(
    `SELECT (n_tup_ins + n_tup_upd + n_tup_del)::text AS writes FROM pg_stat_user_tables WHERE relname = 'consumer_key_allowances'`,
  );
  return Number(rows[0]?.writes ?? 0);
}

/** Waits until the rest of the current UTC minute is at least `ms` long (else for the next minute). */
async function roomInThisMinute(ms: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await new Promise((resolve) => setTimeout(resolve, left + 200));
}

describeOnRealPostgres('several instances on one PostgreSQL: limits per consumer key', 'needs several real sessions', () => {
  describe.each(MODES)('%s', (mode) => {
    let database: ModeDatabase;
    let fakes: FakeProviderServer;
    let openai: FakeProvider;
    let instances: Instance[] = [];
    let client: Client;

    beforeAll(async () => {
      fakes = new FakeProviderServer();
      await fakes.start();
      openai = fakes.add('openai', { kind: 'openai', apiKey: OPENAI_KEY, inputTokens: FAKE_INPUT_TOKENS });
      database = await openModeDatabase(mode);
      const options = { databaseUrl: database.databaseUrl, directUrl: database.directUrl, env: { USAGE_FLUSH_MS: '250' } };
      instances = await Promise.all(Array.from({ length: INSTANCES }, () => startInstance(options)));
      const stored = await instances[0].api('POST', '/api/providers/openai/credentials', { apiKey: OPENAI_KEY, baseUrl: openai.baseUrl });
      expect(stored.status).toBe(201);
      client = await psql(database.db.url);
    }, 240_000);

    afterAll(async () => {
      await client?.end();
      await Promise.all(instances.map((instance) => stopInstance(instance)));
      await fakes?.close();
      await database?.close();
    });

    /** A key made through the API with these limits, once every instance knows it (an empty body: 400, not 401, and no limit spent). */
    async function keyWith(name: string, limits: Record<string, unknown>): Promise<{ id: string; key: string }> {
      const created = await instances[0].api<{ data: { id: string; key: string } }>('POST', '/api/keys', { name, ...limits });
      expect(created.status).toBe(201);
      const { id, key } = created.body.data;
      for (const instance of instances) {
        await waitFor(
          `key ${name} on ${instance.url}`,
          async () => {
            const response = await fetch(`${instance.url}/v1/chat/completions`, {
              method: 'POST',
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
              body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [] }),
            });
            await response.arrayBuffer();
            return response.status === 400 ? true : undefined;
          },
          10_000,
        );
      }
      return { id, key };
    }

    it('rpm: a burst over every instance within one UTC minute is answered at most rpm times, the rest 429 with Retry-After; a lease per many calls', async () => {
      const rpm = 100;
      const calls = 400;
      const tag = `rpm-${mode}`;
      const { id, key } = await keyWith(tag, { rpm });
      const leasesBefore = await totalOver(instances, 'ai_gateway_key_limit_leases_total{');
      const writesBefore = await allowanceWrites(client);
      await roomInThisMinute(40_000);
      const started = Date.now();
      const replies = await burst(instances, calls, (instance) => chat(instance, key, tag));
      const tookMs = Date.now() - started;
      expect(Math.floor(started / 60_000)).toBe(Math.floor(Date.now() / 60_000)); // the whole burst in one window

      const ok = replies.filter((r) => r.status === 200);
      const refused = replies.filter((r) => r.status !== 200);
      const upstream = callsTagged(openai, tag);
      const leases = (await totalOver(instances, 'ai_gateway_key_limit_leases_total{')) - leasesBefore;
      const writes = (await allowanceWrites(client)) - writesBefore;
      const { rows } = await client.query<{ granted: string }>(
        `SELECT granted::text FROM consumer_key_allowances WHERE consumer_key_id = $1 AND kind = 'requests'`,
        [id],
      );
      printFigure(
        `${mode}: rpm ${rpm}, ${calls} concurrent calls over ${INSTANCES} instances in ${tookMs} ms: ${ok.length} answered 200, ` +
          `${refused.length} refused 429, the fake saw ${upstream.length}; granted ${rows[0]?.granted}; ` +
          `${leases} leases (${(leases / calls).toFixed(3)} per request), ${writes} row writes to consumer_key_allowances`,
      );

      expect(ok.length).toBeLessThanOrEqual(rpm);
      expect(ok.length).toBeGreaterThanOrEqual(rpm * 0.9);
      expect(upstream.length).toBe(ok.length);
      expect(Number(rows[0].granted)).toBeLessThanOrEqual(rpm);
      for (const reply of refused) {
        expect(reply.status).toBe(429);
        expect(reply.body.error?.type).toBe('rate_limit_exceeded');
        const retryAfter = Number(reply.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect(reply.headers.get('x-ratelimit-limit-requests')).toBe(String(rpm));
        expect(reply.headers.get('x-ratelimit-remaining-requests')).toMatch(/^\d+$/);
      }
      for (const reply of ok) expect(reply.headers.get('x-ratelimit-limit-requests')).toBe(String(rpm));
      expect(leases).toBeGreaterThan(0);
      expect(leases).toBeLessThan(calls / 10);
      expect(writes).toBeLessThan(calls / 10);
      // Each refusal counted as the key's limit, not as a bad request.
      expect(await totalOver(instances, 'ai_gateway_unanswered_total{reason="key_limit"}')).toBeGreaterThanOrEqual(refused.length);
    }, 120_000);

    it('max_parallel: with a slow upstream the fake never has more of the key’s calls open at once than the limit, the rest 429', async () => {
      const maxParallel = 4;
      const tag = `parallel-${mode}`;
      const { key } = await keyWith(tag, { maxParallel });
      openai.setMode({ type: 'slow', delayMs: 600 });
      const replies: Reply[] = [];
      try {
        // Waves that overlap: the second starts while the first's calls still hold their slots.
        const waves = [0, 300, 700, 1200].map(async (delay) => {
          await new Promise((resolve) => setTimeout(resolve, delay));
          replies.push(...(await burst(instances, 30, (instance) => chat(instance, key, tag))));
        });
        await Promise.all(waves);
      } finally {
        openai.setMode('ok');
      }
      const ok = replies.filter((r) => r.status === 200);
      const refused = replies.filter((r) => r.status !== 200);
      const upstream = callsTagged(openai, tag);
      const most = mostOpenAtOnce(upstream);
      printFigure(
        `${mode}: max_parallel ${maxParallel}, ${replies.length} calls in overlapping waves over ${INSTANCES} instances: ` +
          `${ok.length} answered, ${refused.length} refused 429; at most ${most} open at once at the fake`,
      );
      expect(most).toBeLessThanOrEqual(maxParallel);
      expect(ok.length).toBeGreaterThan(0);
      expect(upstream.length).toBe(ok.length);
      for (const reply of refused) {
        expect(reply.status).toBe(429);
        expect(reply.body.error?.type).toBe('rate_limit_exceeded');
        expect(reply.headers.get('retry-after')).toBe('1');
      }
    }, 120_000);

    it('budget: waves of concurrent calls whose worst cases far exceed it spend at most the budget, then 429 insufficient_quota', async () => {
      const budgetUsd = 0.01;
      const tag = `budget-${mode}`;
      const { key } = await keyWith(tag, { budgetUsd, budgetWindow: 'day' });
      // Worst case per call: ≈ 4,050 input tokens (the message's bytes) at $0.15/M + 500 output at $0.60/M ≈ $0.0009;
      // the fake reports 3,000 input tokens and a few output: ≈ $0.00045 per call.
      const call = (instance: Instance) => chat(instance, key, tag, { max_tokens: 500 }, 4000);
      const replies: Reply[] = [];
      let emptyWaves = 0;
      let waves = 0;
      for (; waves < 20 && emptyWaves < 2; waves++) {
        const wave = await burst(instances, 60, call);
        replies.push(...wave);
        emptyWaves = wave.some((r) => r.status === 200) ? 0 : emptyWaves + 1;
      }
      const ok = replies.filter((r) => r.status === 200);
      const refused = replies.filter((r) => r.status !== 200);
      for (const reply of refused) {
        expect(reply.status).toBe(429);
        expect(reply.body.error?.type).toBe('insufficient_quota');
        expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      expect(callsTagged(openai, tag)).toHaveLength(ok.length);

      // What the registry recorded for the key, once every answered call's usage is flushed.
      type Spend = { data: { spend: { rows: Array<{ keyName?: string; requests: string; costUsd: string }> } } };
      const row = await waitFor(
        'the key’s usage flushed',
        async () => {
          const { body } = await instances[0].api<Spend>('GET', '/api/usage?groupBy=key');
          const mine = body.data.spend.rows.find((r) => r.keyName === tag);
          return mine && Number(mine.requests) === ok.length ? mine : undefined;
        },
        15_000,
      );
      const spent = Number(row.costUsd);
      const worstCaseUsd = ((4050 * 150 + 500 * 600) / 1e9) * replies.length;
      printFigure(
        `${mode}: budget $${budgetUsd}, ${replies.length} calls in ${waves} waves of 60 (worst cases summing to $${worstCaseUsd.toFixed(3)}): ` +
          `${ok.length} answered, ${refused.length} refused 429 insufficient_quota; recorded spend $${row.costUsd} ` +
          `(${((spent / budgetUsd) * 100).toFixed(1)} % of the budget)`,
      );
      expect(spent).toBeLessThanOrEqual(budgetUsd);
      // Slices other instances hold unused until they give them back are the most that goes unspent.
      expect(spent).toBeGreaterThanOrEqual(budgetUsd * 0.5);
      expect(refused.length).toBeGreaterThan(0);
    }, 180_000);
  });
});
