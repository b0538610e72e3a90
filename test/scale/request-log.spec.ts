import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { waitFor } from '../support/server-process';
import { describeOnRealPostgres } from '../support/test-database';
import { Instance, OPENAI_KEY } from '../support/instances';
import { printFigure } from '../support/print-figure';
import { GatewayCluster, startGatewayCluster } from './support/gateway-cluster';

const CALLS = 10_000;
/** Every UNKNOWN_EVERY-th call names a model nobody offers: a row of a call nobody answered. */
const UNKNOWN_EVERY = 10;
const CONCURRENCY = 40;

describeOnRealPostgres('several instances on one PostgreSQL: the request log', 'needs several real sessions', () => {
  let cluster: GatewayCluster | undefined;
  let instances: Instance[] = [];
  let client: Client;

  beforeAll(async () => {
    cluster = await startGatewayCluster({
      mode: 'direct',
      instances: 2,
      openai: { kind: 'openai', apiKey: OPENAI_KEY, reply: 'A completion no log may hold.' },
      env: { LOG_LEVEL: 'warn' },
    });
    ({ instances, client } = cluster);
  }, 240_000);

  afterAll(() => cluster?.close());

  it(`${CALLS} calls through two instances leave one row each, exactly, and nothing secret in any`, async () => {
    const created = await instances[0].api<{ data: { key: string } }>('POST', '/api/keys', { name: 'logged' });
    const { key } = created.body.data;
    const prompt = `a prompt no log may hold ${randomBytes(6).toString('hex')}`;
    const call = async (i: number): Promise<number> => {
      const model = i % UNKNOWN_EVERY === 0 ? 'openai/no-such-model' : 'openai/gpt-4o-mini';
      const response = await fetch(`${instances[i % 2].url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: prompt }] }),
      });
      await response.arrayBuffer();
      return response.status;
    };
    // Both instances know the key before the run (the second through the change notification).
    await waitFor('the key on the second instance', async () => ((await call(1)) === 200 ? true : undefined), 10_000);
    await waitFor('the call rows before the run', async () => (await rowCount()) > 0 || undefined, 10_000);
    const before = await rowCount();

    const statuses: number[] = [];
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < CALLS; i = next++) statuses[i] = await call(i);
      }),
    );
    const tookMs = Date.now() - started;
    const unknown = statuses.filter((status) => status === 404).length;
    expect(unknown).toBe(CALLS / UNKNOWN_EVERY);
    expect(statuses.filter((status) => status === 200)).toHaveLength(CALLS - unknown);

    // Rows are written in batches within a flush interval. A row's id is the call's, made once, and a
    // retried batch inserts nothing twice (ON CONFLICT DO NOTHING): at CALLS rows the run is all there.
    await waitFor('every call’s row', async () => ((await rowCount()) - before >= CALLS ? true : undefined), 60_000);
    const { rows } = await client.query<{ result: string; n: string }>(
      `SELECT result, count(*)::text AS n FROM request_log GROUP BY result ORDER BY result`,
    );
    const byResult = Object.fromEntries(rows.map((r) => [r.result, Number(r.n)]));
    printFigure(
      `request log: ${CALLS} calls through 2 instances in ${tookMs} ms (${Math.round(CALLS / (tookMs / 1000))}/s), ` +
        `rows by result ${JSON.stringify(byResult)} (${before} from before the run)`,
    );
    expect((await rowCount()) - before).toBe(CALLS);
    expect(byResult.unknown_model).toBe(CALLS / UNKNOWN_EVERY);
    expect(byResult.success).toBe(CALLS - CALLS / UNKNOWN_EVERY + before);

    // Every row names the key by its id, never the key; no prompt, completion or provider key anywhere.
    const keyed = await client.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM request_log r JOIN consumer_keys k ON k.id = r.consumer_key_id WHERE k.name = 'logged'`,
    );
    expect(Number(keyed.rows[0].n)).toBe(CALLS + before);
    for (const secret of [key, OPENAI_KEY, prompt, 'A completion no log may hold.']) {
      const leaked = await client.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM request_log r WHERE strpos(row_to_json(r)::text, $1) > 0`,
        [secret],
      );
      expect({ secret: secret.slice(0, 12), rows: Number(leaked.rows[0].n) }).toEqual({ secret: secret.slice(0, 12), rows: 0 });
    }
  }, 600_000);

  async function rowCount(): Promise<number> {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM request_log`);
    return Number(rows[0].n);
  }
});
