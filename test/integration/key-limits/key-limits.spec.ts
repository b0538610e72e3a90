import { CATALOG } from '../../../src/registry/catalog/catalog.token';
import { ConsumerKeyCache } from '../../../src/registry/consumer-keys/consumer-key-cache';
import { ConsumerKeysService } from '../../../src/registry/consumer-keys/consumer-keys.service';
import type { AuthenticatedConsumer } from '../../../src/registry/consumer-keys/consumer-key.types';
import { AllowanceRepository } from '../../../src/registry/key-limits/allowance.repository';
import { KeyLimitExceededError } from '../../../src/registry/key-limits/key-limits.errors';
import { KeyLimitMetrics } from '../../../src/registry/key-limits/key-limit-metrics';
import { Admission } from '../../../src/registry/key-limits/admission';
import { KeyLimitsService } from '../../../src/registry/key-limits/key-limits.service';
import { ParallelSlotRepository } from '../../../src/registry/key-limits/parallel-slot.repository';
import { REGISTRY_COORDINATION } from '../../../src/registry/kernel/registry-tokens';
import { RegistryContext, freshRegistryEachTest } from '../../support/registry-app';
import { itOnRealPostgres } from '../../support/test-database';
import { printFigure } from '../../support/print-figure';

/** Admitted, or the limit that refused it. */
async function tryAdmit(service: KeyLimitsService, consumer: AuthenticatedConsumer, estimate = { tokens: 0n, usdNanos: 0n }, now?: number) {
  try {
    return await service.admit(consumer, estimate, now);
  } catch (error) {
    if (error instanceof KeyLimitExceededError) return error;
    throw error;
  }
}

describe('KeyLimitsService: leased slices on the real database', () => {
  const perTest = freshRegistryEachTest();
  let registry: RegistryContext;
  /** Three services on one database: three instances' memories, one table. */
  let instances: KeyLimitsService[];
  let leases: jest.SpyInstance;

  beforeEach(async () => {
    registry = await perTest.start({ REGISTRY_RESYNC_MS: '0' });
    const fresh = () =>
      new KeyLimitsService(
        registry.get(AllowanceRepository),
        registry.get(ParallelSlotRepository),
        registry.get(ConsumerKeyCache),
        registry.get(CATALOG),
        registry.get(KeyLimitMetrics),
        registry.get(REGISTRY_COORDINATION),
      );
    instances = [registry.get(KeyLimitsService), fresh(), fresh()];
    // The app's own instance listens since its start; the other two as theirs would.
    await Promise.all(instances.slice(1).map((instance) => instance.start()));
    leases = jest.spyOn(AllowanceRepository.prototype, 'lease'); // counted, not replaced
  });

  afterEach(() => {
    for (const instance of instances.slice(1)) instance.onModuleDestroy();
    jest.restoreAllMocks();
  });

  async function keyWith(limits: Parameters<ConsumerKeysService['create']>[0]['limits']): Promise<AuthenticatedConsumer> {
    const { key } = await registry.get(ConsumerKeysService).create({ name: `k${Math.random().toString(36).slice(2, 8)}`, limits });
    return registry.get(ConsumerKeyCache).authenticate(key)!;
  }

  it('rpm: 600 concurrent calls over three instances in one minute admit exactly the limit, with a lease per many calls', async () => {
    const consumer = await keyWith({ rpm: 150 });
    const now = Date.UTC(2030, 0, 1, 12, 0, 10);
    const results = await Promise.all(Array.from({ length: 600 }, (_, i) => tryAdmit(instances[i % 3], consumer, undefined, now)));
    const admitted = results.filter((r) => r instanceof Admission).length;
    const refused = results.filter((r) => r instanceof KeyLimitExceededError) as KeyLimitExceededError[];
    expect(admitted).toBe(150);
    expect(refused).toHaveLength(450);
    expect(refused.every((e) => e.limit === 'requests' && e.retryAfterSeconds === 50)).toBe(true);
    const [row] = await registry.dataSource.query(`SELECT granted FROM consumer_key_allowances WHERE kind = 'requests'`);
    expect(row.granted).toBe('150');
    printFigure(`rpm 150, 600 calls on 3 instances: ${admitted} admitted, ${leases.mock.calls.length} leases`);
    expect(leases.mock.calls.length).toBeLessThan(60);
    // The next minute is a new window.
    expect(await tryAdmit(instances[0], consumer, undefined, now + 60_000)).toBeInstanceOf(Admission);
  });

  it('budget: reserves the worst case, settles to the real cost, never grants past the budget, gives back at shutdown', async () => {
    const consumer = await keyWith({ budgetUsd: 0.1, budgetWindow: 'day' });
    const budget = 100_000_000n;
    const service = instances[0];
    const estimate = service.estimate([{ provider: 'openai', model: 'gpt-5' }], 1000, 1000); // 0.01125 USD
    expect(estimate).toEqual({ tokens: 2000n, usdNanos: 11_250_000n });
    const realCost = 500n * 1250n + 500n * 10_000n; // 0.005625 USD
    let spent = 0n;
    let refusals = 0;
    // Waves of concurrent calls on three instances until the budget refuses them all.
    let emptyWaves = 0;
    for (let wave = 0; wave < 40 && emptyWaves < 2; wave++) {
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => tryAdmit(instances[i % 3], consumer, estimate)));
      const admitted = results.filter((r): r is Admission => r instanceof Admission);
      refusals += results.length - admitted.length;
      for (const r of results) if (r instanceof KeyLimitExceededError) expect(r.limit).toBe('budget');
      for (const admission of admitted) admission.settle({ provider: 'openai', model: 'gpt-5', inputTokens: 500, outputTokens: 500 });
      spent += BigInt(admitted.length) * realCost;
      emptyWaves = admitted.length === 0 ? emptyWaves + 1 : 0;
    }
    const [row] = await registry.dataSource.query(`SELECT granted FROM consumer_key_allowances WHERE kind = 'usd_nanos'`);
    expect(BigInt(row.granted)).toBeLessThanOrEqual(budget);
    expect(spent).toBeLessThanOrEqual(budget);
    expect(refusals).toBeGreaterThan(0);
    for (const instance of instances) await instance.beforeApplicationShutdown();
    const [after] = await registry.dataSource.query(`SELECT granted FROM consumer_key_allowances WHERE kind = 'usd_nanos'`);
    expect(BigInt(after.granted)).toBe(spent);
    printFigure(
      `budget 0.1 USD, worst case 0.01125, real 0.005625: spent ${Number(spent) / 1e9} USD (${(Number(spent) / 1e6).toFixed(1)} %), ${leases.mock.calls.length} leases`,
    );
    // What stays unused is less than one worst case per instance (each stops at a remainder too small for a call).
    expect(spent).toBeGreaterThan(budget - 3n * estimate.usdNanos);
  });

  it('a call that reported no usage keeps its reservation; one that cost more than reserved is owed by the next', async () => {
    const consumer = await keyWith({ tpm: 100 });
    const now = Date.UTC(2030, 0, 1, 12, 0, 0);
    const a = (await tryAdmit(instances[0], consumer, { tokens: 60n, usdNanos: 0n }, now)) as Admission;
    a.settle({ provider: 'openai', model: 'gpt-5' }); // no usage reported: 60 stay taken
    expect(await tryAdmit(instances[0], consumer, { tokens: 50n, usdNanos: 0n }, now)).toBeInstanceOf(KeyLimitExceededError);
    const b = (await tryAdmit(instances[0], consumer, { tokens: 20n, usdNanos: 0n }, now)) as Admission;
    b.settle({ provider: 'openai', model: 'gpt-5', inputTokens: 30, outputTokens: 10 }); // 40: 20 more than reserved
    expect(await tryAdmit(instances[0], consumer, { tokens: 1n, usdNanos: 0n }, now)).toBeInstanceOf(KeyLimitExceededError);
  });

  it('max_parallel: slots across instances never exceed the limit; returned when calls end, to the database when idle', async () => {
    const consumer = await keyWith({ maxParallel: 4 });
    const first = await Promise.all(Array.from({ length: 9 }, (_, i) => tryAdmit(instances[i % 3], consumer)));
    const admitted = first.filter((r): r is Admission => r instanceof Admission);
    expect(admitted).toHaveLength(4);
    expect(first.filter((r) => r instanceof KeyLimitExceededError && r.limit === 'parallel')).toHaveLength(5);
    for (const admission of admitted) admission.settle('nothing');
    await new Promise((resolve) => setTimeout(resolve, 700)); // idle: the slots go back
    expect(await registry.dataSource.query(`SELECT slots FROM consumer_key_parallel_slots`)).toEqual([]);
    const again = await Promise.all(Array.from({ length: 4 }, (_, i) => tryAdmit(instances[(i + 1) % 3], consumer)));
    expect(again.every((r) => r instanceof Admission)).toBe(true);
  });

  itOnRealPostgres(
    'max_parallel: an instance refused while another holds slots it no longer uses gets them: no refusal below the limit',
    "instances hear each other's requests through LISTEN, which a client of the tests' embedded database does not get (one owner process has no one to ask)",
    async () => {
      const consumer = await keyWith({ maxParallel: 6 });
      const [busy, other] = instances;
      // `busy` had 5 calls at once and still has one: it holds 5 slots, 4 of them idle (it is not idle, so it keeps them).
      const burst = (await Promise.all(Array.from({ length: 5 }, () => tryAdmit(busy, consumer)))) as Admission[];
      expect(burst.every((r) => r instanceof Admission)).toBe(true);
      for (const admission of burst.slice(1)) admission.settle('nothing');
      // 1 in flight: `other` may have 5 at once. Before it asks, the table has only one slot left for it.
      const five = await Promise.all(Array.from({ length: 5 }, () => tryAdmit(other, consumer)));
      expect(five.every((r) => r instanceof Admission)).toBe(true);
      // Now 6 in flight: the limit, which still refuses.
      const seventh = await tryAdmit(instances[2], consumer);
      expect(seventh).toBeInstanceOf(KeyLimitExceededError);
      expect((seventh as KeyLimitExceededError).limit).toBe('parallel');
      const [live] = await registry.dataSource.query(
        `SELECT SUM(slots)::int AS slots FROM consumer_key_parallel_slots WHERE expires_at > now()`,
      );
      expect(live.slots).toBeLessThanOrEqual(6);
      for (const admission of [burst[0], ...(five as Admission[])]) admission.settle('nothing');
    },
  );

  it('max_parallel: the slots of an instance that stopped renewing them come back once they expire; the heartbeat keeps the others', async () => {
    const consumer = await keyWith({ maxParallel: 3 });
    const [dead, alive] = instances;
    const held = await Promise.all(Array.from({ length: 3 }, () => tryAdmit(dead, consumer)));
    expect(held.every((r) => r instanceof Admission)).toBe(true);
    expect(await tryAdmit(alive, consumer)).toBeInstanceOf(KeyLimitExceededError);
    // `dead` is killed: it never settles its calls nor renews. Its rows' TTL passes (moved back rather than waited for).
    await registry.dataSource.query(`UPDATE consumer_key_parallel_slots SET expires_at = now() - interval '1 second'`);
    const after = await Promise.all(Array.from({ length: 4 }, () => tryAdmit(alive, consumer)));
    expect(after.filter((r) => r instanceof Admission)).toHaveLength(3);
    // The heartbeat renews what `alive` holds; `dead`'s expired row stays expired (pruned by the job).
    await alive.renewParallelSlots();
    const rows = await registry.dataSource.query(
      `SELECT slots, expires_at > now() + interval '10 seconds' AS renewed FROM consumer_key_parallel_slots ORDER BY renewed`,
    );
    expect(rows).toEqual([
      { slots: 3, renewed: false },
      { slots: 3, renewed: true },
    ]);
    expect(await alive.prune()).toBe(1);
  });

  it('max_parallel: an instance whose slots lapsed under it (no renewal in time) forgets them, and takes again what its calls need', async () => {
    const consumer = await keyWith({ maxParallel: 40 }); // slots are taken two at a time
    const [stalled, other] = instances;
    const first = (await tryAdmit(stalled, consumer)) as Admission;
    expect(first).toBeInstanceOf(Admission); // 2 held, 1 free
    await registry.dataSource.query(`UPDATE consumer_key_parallel_slots SET expires_at = now() - interval '1 second'`);
    const others = await Promise.all(Array.from({ length: 40 }, () => tryAdmit(other, consumer)));
    expect(others.every((r) => r instanceof Admission)).toBe(true);
    await stalled.renewParallelSlots(); // finds its row lapsed: its free slot is gone with it
    // Its call in flight counts again as soon as it asks: the key is full.
    expect(await tryAdmit(stalled, consumer)).toBeInstanceOf(KeyLimitExceededError);
    const [live] = await registry.dataSource.query(
      `SELECT SUM(slots)::int AS slots FROM consumer_key_parallel_slots WHERE expires_at > now()`,
    );
    expect(live.slots).toBe(40);
    first.settle('nothing');
  });

  it('tpm: a request whose worst case is past the whole limit is told it is too large, not to retry, and takes nothing', async () => {
    const consumer = await keyWith({ tpm: 1000 });
    const now = Date.UTC(2030, 0, 1, 12, 0, 10);
    const tooLarge = await tryAdmit(instances[0], consumer, { tokens: 5000n, usdNanos: 0n }, now);
    expect(tooLarge).toBeInstanceOf(KeyLimitExceededError);
    expect((tooLarge as KeyLimitExceededError).message).toMatch(
      /^Request too large for this key: it may use up to 5000 tokens .* Lower max_tokens/,
    );
    expect((tooLarge as KeyLimitExceededError).retryable).toBe(false);
    expect(leases).not.toHaveBeenCalled();
    // One that fits is admitted as before, and one that fits only the rest of the window is told to retry.
    expect(await tryAdmit(instances[0], consumer, { tokens: 800n, usdNanos: 0n }, now)).toBeInstanceOf(Admission);
    const later = await tryAdmit(instances[0], consumer, { tokens: 800n, usdNanos: 0n }, now);
    expect((later as KeyLimitExceededError).message).toMatch(
      /^Rate limit reached for this key: 1000 tokens per minute .* Retry after 50 s\.$/,
    );
    expect((later as KeyLimitExceededError).retryable).toBe(true);
  });

  it('headers: limit, remaining and reset of requests and tokens as this instance sees them', async () => {
    const consumer = await keyWith({ rpm: 100, tpm: 10_000 });
    const now = Date.UTC(2030, 0, 1, 12, 0, 45);
    const admission = (await tryAdmit(instances[0], consumer, { tokens: 1000n, usdNanos: 0n }, now)) as Admission;
    expect(admission.headers).toEqual({
      'x-ratelimit-limit-requests': '100',
      'x-ratelimit-remaining-requests': '99',
      'x-ratelimit-reset-requests': '15s',
      'x-ratelimit-limit-tokens': '10000',
      'x-ratelimit-remaining-tokens': '9000',
      'x-ratelimit-reset-tokens': '15s',
    });
  });
  it('a database failure half-way through an admission gives back what it had reserved', async () => {
    const consumer = await keyWith({ rpm: 100, tpm: 10_000, maxParallel: 2 });
    const now = Date.UTC(2030, 0, 1, 12, 0, 45);
    // The parallel slots' table out of reach: the slices of rpm and tpm are taken, then the slot fails.
    await registry.dataSource.query(`ALTER TABLE consumer_key_parallel_slots RENAME TO consumer_key_parallel_slots_away`);
    try {
      await expect(instances[0].admit(consumer, { tokens: 1000n, usdNanos: 0n }, now)).rejects.toThrow(/consumer_key_parallel_slots/);
    } finally {
      await registry.dataSource.query(`ALTER TABLE consumer_key_parallel_slots_away RENAME TO consumer_key_parallel_slots`);
    }
    const admission = (await tryAdmit(instances[0], consumer, { tokens: 1000n, usdNanos: 0n }, now)) as Admission;
    // As if the failed call had never come: one request and 1,000 tokens taken, not two and 2,000.
    expect(admission.headers).toMatchObject({ 'x-ratelimit-remaining-requests': '99', 'x-ratelimit-remaining-tokens': '9000' });
    admission.settle('nothing');
  });
});
