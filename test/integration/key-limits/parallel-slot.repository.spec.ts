import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../../src/database/data-source-options';
import { ParallelSlotRepository } from '../../../src/registry/key-limits/parallel-slot.repository';
import { havePgBouncer, startPgBouncer } from '../../support/pgbouncer';
import { TestDatabase, createTestDatabase, onRealPostgres } from '../../support/test-database';

const TTL = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every live slot of the key, all holders together. */
async function liveSlots(dataSource: DataSource, keyId: string): Promise<number> {
  const [row] = await dataSource.query(
    `SELECT COALESCE(SUM(slots), 0)::int AS live FROM consumer_key_parallel_slots WHERE consumer_key_id = $1 AND expires_at > now()`,
    [keyId],
  );
  return row.live;
}

/**
 * `holders` holders each taking one slot at a time, all at once, until the key refuses them: the
 * live slots must add up to the limit exactly, never past it.
 */
async function contend(repository: ParallelSlotRepository, keyId: string, holders: number, limit: number): Promise<number[]> {
  const held = new Array<number>(holders).fill(0);
  await Promise.all(
    Array.from({ length: holders * 4 }, async (_, i) => {
      const holder = i % holders;
      held[holder] = Math.max(held[holder], (await repository.take(keyId, `holder-${holder}`, 1, limit, TTL)).slots);
    }),
  );
  return held;
}

describe(ParallelSlotRepository.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let repository: ParallelSlotRepository;

  beforeEach(async () => {
    db = await createTestDatabase();
    dataSource = await db.dataSource();
    repository = new ParallelSlotRepository(dataSource);
  });

  afterEach(() => db.drop());

  it('take: up to the limit over every holder, its own slots counted; absolute answers', async () => {
    expect(await repository.take('1', 'a', 3, 5, TTL)).toEqual({ slots: 3, others: 0 });
    expect(await repository.take('1', 'b', 3, 5, TTL)).toEqual({ slots: 2, others: 3 }); // 3 held by a: 2 left
    expect(await repository.take('1', 'b', 1, 5, TTL)).toEqual({ slots: 2, others: 3 }); // nothing left: b keeps its 2
    expect(await repository.take('1', 'c', 1, 5, TTL)).toEqual({ slots: 0, others: 5 }); // refused: no row written
    expect((await repository.take('1', 'a', 1, 5, TTL)).slots).toBe(3);
    expect((await repository.take('2', 'a', 4, 5, TTL)).slots).toBe(4); // another key has its own count
    expect(await liveSlots(dataSource, '1')).toBe(5);
  });

  it('giveBack: only lowers (0 deletes the row); what the holder has after, 0 once its row expired', async () => {
    await repository.take('1', 'a', 4, 5, TTL);
    expect(await repository.giveBack('1', 'a', 2)).toBe(2);
    expect(await repository.giveBack('1', 'a', 3)).toBe(2); // never raised without the lock
    expect((await repository.take('1', 'b', 5, 5, TTL)).slots).toBe(3);
    expect(await repository.giveBack('1', 'a', 0)).toBe(0);
    expect(await dataSource.query(`SELECT holder FROM consumer_key_parallel_slots`)).toEqual([{ holder: 'b' }]);
    await repository.take('1', 'c', 1, 5, 200);
    await sleep(300);
    expect(await repository.giveBack('1', 'c', 1)).toBe(0);
  });

  it('expiry: a holder that stopped renewing stops counting; renew extends only live rows; prune deletes expired ones', async () => {
    expect((await repository.take('1', 'dead', 5, 5, 200)).slots).toBe(5);
    expect((await repository.take('1', 'alive', 1, 5, 200)).slots).toBe(0);
    await repository.take('2', 'alive', 1, 5, 200);
    expect(await repository.renew('alive', TTL)).toEqual(['2']);
    await sleep(300);
    // The dead holder's slots are free again; its own expired row counts as none when it comes back.
    expect((await repository.take('1', 'alive', 5, 5, TTL)).slots).toBe(5);
    expect((await repository.take('1', 'dead', 1, 5, TTL)).slots).toBe(0);
    expect(await repository.renew('dead', TTL)).toEqual([]); // its lapsed row is not brought back, by a refused take either
    expect(await repository.renew('nobody', TTL)).toEqual([]);
    await repository.take('3', 'gone', 1, 5, 100);
    await sleep(200);
    expect(await repository.renew('gone', TTL)).toEqual([]); // lapsed: not brought back
    expect(await repository.prune()).toBe(2); // dead's and gone's lapsed rows
    expect(await liveSlots(dataSource, '1')).toBe(5);
  });

  it('concurrent takes of many holders add up to the limit exactly (the advisory lock orders them)', async () => {
    const held = await contend(repository, '7', 6, 10);
    expect(held.reduce((a, b) => a + b, 0)).toBe(10);
    expect(await liveSlots(dataSource, '7')).toBe(10);
  });

  (onRealPostgres && havePgBouncer() ? it : it.skip)(
    'behind PgBouncer in transaction pooling: concurrent takes over a pool smaller than the clients add up to the limit exactly',
    async () => {
      const pgbouncer = await startPgBouncer(db.url, { poolSize: 3 });
      const pooled = new DataSource(buildDataSourceOptions(pgbouncer.urlFor(db.url), { poolSize: 12 }));
      await pooled.initialize();
      try {
        const viaPool = new ParallelSlotRepository(pooled);
        for (const key of ['11', '12', '13']) {
          const held = await contend(viaPool, key, 8, 7);
          expect(held.reduce((a, b) => a + b, 0)).toBe(7);
          expect(await liveSlots(dataSource, key)).toBe(7);
        }
      } finally {
        await pooled.destroy();
        await pgbouncer.stop();
      }
    },
  );
});
