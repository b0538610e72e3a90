import type { Client } from 'pg';
import type { FakeProvider } from '../support/fake-provider-server';
import { waitFor } from '../support/server-process';
import { describeOnRealPostgres } from '../support/test-database';
import type { Instance } from '../support/instances';
import { printFigure } from '../support/print-figure';
import { GatewayCluster, startGatewayCluster } from './support/gateway-cluster';
import { MODES } from './modes';
import {
  MAX_TOKENS,
  REALISTIC,
  REAL_COST_NANOS,
  Reply,
  burst,
  callsTagged,
  chat,
  keyWith,
  limitWrites,
  mostOpenAtOnce,
  roomInThisMinute,
  totalOver,
  worstCaseOf,
  writesBetween,
} from './support/key-limit-calls';

const INSTANCES = 4;

describeOnRealPostgres('several instances on one PostgreSQL: limits per consumer key', 'needs several real sessions', () => {
  describe.each(MODES)('%s', (mode) => {
    let cluster: GatewayCluster | undefined;
    let openai: FakeProvider;
    let instances: Instance[] = [];
    let client: Client;

    beforeAll(async () => {
      cluster = await startGatewayCluster({ mode, instances: INSTANCES, openai: REALISTIC, env: { USAGE_FLUSH_MS: '250' } });
      ({ openai, instances, client } = cluster);
    }, 240_000);

    afterAll(() => cluster?.close());

    it('rpm: a burst over every instance within one UTC minute is answered at most rpm times, the rest 429 with Retry-After; a lease per many calls', async () => {
      const rpm = 100;
      const calls = 400;
      const tag = `rpm-${mode}`;
      const { id, key } = await keyWith(instances, tag, { rpm });
      const leasesBefore = await totalOver(instances, 'ai_gateway_key_limit_leases_total{');
      const writesBefore = await limitWrites(client);
      await roomInThisMinute(20_000);
      const started = Date.now();
      const replies = await burst(instances, calls, key, tag);
      const tookMs = Date.now() - started;
      expect(Math.floor(started / 60_000)).toBe(Math.floor(Date.now() / 60_000)); // the whole burst in one window

      const ok = replies.filter((r) => r.status === 200);
      const refused = replies.filter((r) => r.status !== 200);
      const upstream = callsTagged(openai, tag);
      const leases = (await totalOver(instances, 'ai_gateway_key_limit_leases_total{')) - leasesBefore;
      const writes = writesBetween(writesBefore, await limitWrites(client)).total;
      const { rows } = await client.query<{ granted: string }>(
        `SELECT granted::text FROM consumer_key_allowances WHERE consumer_key_id = $1 AND kind = 'requests'`,
        [id],
      );
      printFigure(
        `${mode}: rpm ${rpm}, ${calls} concurrent calls over ${INSTANCES} instances in ${tookMs} ms: ${ok.length} answered 200, ` +
          `${refused.length} refused 429, the fake saw ${upstream.size}; granted ${rows[0]?.granted}; ` +
          `${leases} leases (${(leases / calls).toFixed(3)} per request), ${writes} row writes to the key limits' tables`,
      );

      expect(ok.length).toBeLessThanOrEqual(rpm);
      expect(ok.length).toBeGreaterThanOrEqual(rpm * 0.9);
      expect(upstream.size).toBe(ok.length);
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

    it('tpm: concurrent calls within one UTC minute never use more tokens than the limit (as the fake reports them), the rest 429 with the token headers', async () => {
      const tpm = 50_000;
      const calls = 400;
      const tag = `tpm-${mode}`;
      const { key } = await keyWith(instances, tag, { tpm });
      await roomInThisMinute(20_000);
      const started = Date.now();
      const replies = await burst(instances, calls, key, tag);
      expect(Math.floor(started / 60_000)).toBe(Math.floor(Date.now() / 60_000));

      const ok = replies.filter((r) => r.status === 200);
      const refused = replies.filter((r) => r.status !== 200);
      const upstream = callsTagged(openai, tag);
      const tokensPerCall = REALISTIC.inputTokens! + MAX_TOKENS;
      const used = upstream.size * tokensPerCall;
      printFigure(
        `${mode}: tpm ${tpm}, ${calls} concurrent calls reserving ${worstCaseOf(`${tag}:0`).tokens} tokens each over ${INSTANCES} instances: ` +
          `${ok.length} answered, ${refused.length} refused 429; the fake reported ${used} tokens (${((used / tpm) * 100).toFixed(1)} % of the limit)`,
      );
      expect(upstream.size).toBe(ok.length);
      expect(used).toBeLessThanOrEqual(tpm);
      expect(refused.length).toBeGreaterThan(0);
      for (const reply of refused) {
        expect(reply.status).toBe(429);
        expect(reply.body.error?.type).toBe('rate_limit_exceeded');
        expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(reply.headers.get('x-ratelimit-limit-tokens')).toBe(String(tpm));
        expect(Number(reply.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThanOrEqual(tpm);
        expect(reply.headers.get('x-ratelimit-reset-tokens')).toMatch(/^\d+s$/);
      }
    }, 120_000);

    it('max_parallel: with a slow upstream the fake never has more of the key’s calls open at once than the limit, the rest 429', async () => {
      const maxParallel = 4;
      const tag = `parallel-${mode}`;
      const { key } = await keyWith(instances, tag, { maxParallel });
      openai.setMode({ type: 'slow', delayMs: 600 });
      const replies: Reply[] = [];
      try {
        // Waves that overlap: the second starts while the first's calls still hold their slots.
        const waves = [0, 300, 700, 1200].map(async (delay, wave) => {
          await new Promise((resolve) => setTimeout(resolve, delay));
          replies.push(...(await burst(instances, 30, key, `${tag}-${wave}`)));
        });
        await Promise.all(waves);
      } finally {
        openai.setMode('ok');
      }
      const ok = replies.filter((r) => r.status === 200);
      const refused = replies.filter((r) => r.status !== 200);
      const upstream = [0, 1, 2, 3].flatMap((wave) => [...callsTagged(openai, `${tag}-${wave}`).values()]);
      const most = mostOpenAtOnce(upstream);
      printFigure(
        `${mode}: max_parallel ${maxParallel}, ${replies.length} calls in overlapping waves over ${INSTANCES} instances: ` +
          `${ok.length} answered, ${refused.length} refused 429; at most ${most} open at once at the fake`,
      );
      expect(most).toBeLessThanOrEqual(maxParallel);
      expect(ok.length).toBeGreaterThan(0);
      expect(upstream).toHaveLength(ok.length);
      for (const reply of refused) {
        expect(reply.status).toBe(429);
        expect(reply.body.error?.type).toBe('rate_limit_exceeded');
        expect(reply.headers.get('retry-after')).toBe('1');
      }
    }, 120_000);

    it('budget: 400 concurrent calls whose worst cases sum to 4× the budget spend at most the budget and at least 90 % of it, every refusal 429 insufficient_quota', async () => {
      const calls = 400;
      const tag = `budget-${mode}`;
      const worstCases = Array.from({ length: calls }, (_, i) => worstCaseOf(`${tag}:${i}`).usdNanos).reduce((a, b) => a + b, 0n);
      // The budget's 4 decimals (numeric(14,4)), rounded down: the worst cases sum to a little more than 4× it.
      const budgetUsd = Math.floor(Number(worstCases / 4n) / 1e5) / 1e4;
      const { id, key } = await keyWith(instances, tag, { budgetUsd, budgetWindow: 'day' });
      const replies = await burst(instances, calls, key, tag);
      const ok = replies.filter((r) => r.status === 200);
      const refused = replies.filter((r) => r.status !== 200);
      for (const reply of refused) {
        expect(reply.status).toBe(429);
        expect(reply.body.error?.type).toBe('insufficient_quota');
        expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      expect(callsTagged(openai, tag).size).toBe(ok.length);

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
      const { rows } = await client.query<{ granted: string }>(
        `SELECT granted::text FROM consumer_key_allowances WHERE consumer_key_id = $1 AND kind = 'usd_nanos'`,
        [id],
      );
      const budgetNanos = BigInt(Math.round(budgetUsd * 1e9));
      const worstOne = worstCases / BigInt(calls);
      printFigure(
        `${mode}: budget $${budgetUsd}, ${calls} concurrent calls over ${INSTANCES} instances (worst cases summing to ` +
          `${(Number(worstCases) / Number(budgetNanos)).toFixed(2)}× it; real cost ${((Number(REAL_COST_NANOS) / Number(worstOne)) * 100).toFixed(1)} % of a worst case): ` +
          `${ok.length} answered, ${refused.length} refused 429 insufficient_quota; recorded spend $${row.costUsd} ` +
          `(${((spent / budgetUsd) * 100).toFixed(1)} % of the budget; it holds ${Number(budgetNanos / worstOne)} average worst cases); granted ${rows[0].granted} nanos`,
      );
      expect(spent).toBeLessThanOrEqual(budgetUsd);
      expect(BigInt(rows[0].granted)).toBeLessThanOrEqual(budgetNanos);
      expect(spent).toBeGreaterThanOrEqual(budgetUsd * 0.9);
      expect(refused.length).toBeGreaterThan(0);
    }, 180_000);

    it('database writes per 1,000 calls of a key with every limit (none reached): a few dozen, not one per call', async () => {
      const calls = 1000;
      const tag = `writes-${mode}`;
      const limits = { rpm: 2000, tpm: 2_000_000, budgetUsd: 10, budgetWindow: 'day', maxParallel: 50 };
      const { key } = await keyWith(instances, tag, limits);
      const writesBefore = await limitWrites(client);
      const replies: Reply[] = [];
      const started = Date.now();
      let next = 0;
      // 40 callers one call after another (within max_parallel's 50), round-robin over the instances.
      await Promise.all(
        Array.from({ length: 40 }, async () => {
          for (let i = next++; i < calls; i = next++) replies.push(await chat(instances[i % INSTANCES], key, `${tag}:${i}`));
        }),
      );
      const tookMs = Date.now() - started;
      const writes = writesBetween(writesBefore, await limitWrites(client));
      printFigure(
        `${mode}: ${calls} calls of a key with rpm, tpm, a budget and max_parallel over ${INSTANCES} instances, 40 at a time, in ${tookMs} ms: ` +
          `${writes.total} row writes to the key limits' tables (${((writes.total / calls) * 1000).toFixed(0)} per 1,000 calls: ` +
          `${writes.allowances} leases of rpm, tpm and budget slices, ${writes.parallelSlots} parallel slot takes, give-backs and heartbeat renewals)`,
      );
      expect(replies.filter((r) => r.status === 200)).toHaveLength(calls);
      expect(writes.total).toBeLessThan(100);
    }, 120_000);
  });
});
