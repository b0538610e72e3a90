import type { Client } from 'pg';
import type { FakeProvider } from '../support/fake-provider-server';
import { waitFor } from '../support/server-process';
import { describeOnRealPostgres } from '../support/test-database';
import type { Instance } from '../support/instances';
import { printFigure } from '../support/print-figure';
import { GatewayCluster, startGatewayCluster } from './support/gateway-cluster';
import { REALISTIC, Reply, burst, callsTagged, chat, keyWith, mostOpenAtOnce } from './support/key-limit-calls';
import { MINUTE, countByWindow, hammer, nextMinute, retryMoment } from './support/minute-windows';
import { PARALLEL_SLOT_TTL_MS } from '../../src/registry/key-limits/key-limits.rules';

const INSTANCES = 4;
const RPM = 600;
/** The most one instance leases of a 600 rpm window at once (a twentieth): what a killed instance can take with it. */
const LARGEST_LEASE = RPM / 20;
/** 25 calls a second, 2.5× the limit: each window's 600 are served in its first ~24 s, the rest refused. */
const EVERY_MS = 40;

/**
 * Limits over whole UTC minutes, and instances killed with SIGKILL: minutes long, so in one mode
 * only, the harder one (PgBouncer in transaction pooling, what a hosted PostgreSQL offers).
 */
describeOnRealPostgres(
  'several instances on one PostgreSQL: per-key limits over minutes, and a SIGKILLed instance',
  'needs several real sessions',
  () => {
    let cluster: GatewayCluster | undefined;
    let openai: FakeProvider;
    let instances: Instance[] = [];
    let client: Client;
    const alive = () => instances.filter((instance) => instance.child.exitCode === null && instance.child.signalCode === null);

    beforeAll(async () => {
      cluster = await startGatewayCluster({ mode: 'pgbouncer', instances: INSTANCES, openai: REALISTIC });
      ({ openai, instances, client } = cluster);
    }, 240_000);

    afterAll(() => cluster?.close());

    it(`rpm ${RPM} hammered from ${INSTANCES} instances for 2 full UTC minutes, then one SIGKILLed in the third: never over, at most its lease lost`, async () => {
      const tag = 'rpm-minutes';
      const { id, key } = await keyWith(instances, tag, { rpm: RPM });
      const victim = instances[INSTANCES - 1];
      const start = await nextMinute();
      const killAt = start + 2 * MINUTE + 8_000;
      const killing = new Promise<void>((resolve) =>
        setTimeout(() => {
          victim.child.kill('SIGKILL');
          resolve();
        }, killAt - Date.now()),
      );
      const replies = await hammer(alive, key, tag, start, start + 2 * MINUTE + 40_000, EVERY_MS);
      await killing;

      const upstream = callsTagged(openai, tag);
      const served = (reply: Reply) => reply.status === 200 || upstream.has(reply.id);
      const { rows } = await client.query<{ start: string; granted: string }>(
        `SELECT (extract(epoch FROM window_start) * 1000)::bigint::text AS start, granted::text FROM consumer_key_allowances
       WHERE consumer_key_id = $1 AND kind = 'requests'`,
        [id],
      );
      const granted = (windowStart: number) => Number(rows.find((row) => Number(row.start) === windowStart)?.granted ?? 0);

      // The two full minutes, on four instances.
      for (const windowStart of [start, start + MINUTE]) {
        const inWindow = replies.filter((r) => r.sentAt >= windowStart && r.sentAt < windowStart + MINUTE);
        const count = countByWindow(replies, windowStart, served);
        const refused = inWindow.filter((r) => r.status !== 200);
        const consistent = refused.filter((r) => retryMoment(r) !== null).length;
        const roundTrips = refused.map((r) => r.receivedAt - r.sentAt).sort((a, b) => a - b);
        printFigure(
          `pgbouncer: rpm ${RPM}, minute ${new Date(windowStart).toISOString().slice(11, 16)} UTC, ${inWindow.length} calls from ${INSTANCES} instances: ` +
            `${count.certain} served within it (+${count.straddling} across an edge), granted ${granted(windowStart)}; ` +
            `${refused.length} refused 429, ${consistent} of them with a retry moment in [the window's end, + 1 s) as far as the call's ` +
            `round trip tells (median ${roundTrips[roundTrips.length >> 1]} ms, longest ${roundTrips[roundTrips.length - 1]} ms)`,
        );
        expect(count.certain).toBeLessThanOrEqual(RPM);
        expect(count.certain + count.straddling).toBeGreaterThanOrEqual(RPM - LARGEST_LEASE);
        expect(granted(windowStart)).toBeLessThanOrEqual(RPM);
        for (const reply of inWindow) expect([200, 429]).toContain(reply.status);
        for (const reply of refused) {
          expect(reply.body.error?.type).toBe('rate_limit_exceeded');
          expect(reply.headers.get('x-ratelimit-limit-requests')).toBe(String(RPM));
          expect(retryMoment(reply)).not.toBeNull();
        }
      }

      // The third minute: the victim SIGKILLed 8 s in, holding what it had leased and not used.
      const third = start + 2 * MINUTE;
      const count = countByWindow(replies, third, served);
      const cut = replies.filter((r) => r.status === 0);
      const servedThird = replies.filter((r) => r.sentAt >= third && served(r)).length;
      printFigure(
        `pgbouncer: rpm ${RPM}, an instance SIGKILLed 8 s into a minute: ${count.certain} served within it (+${count.straddling} across its start), ` +
          `granted ${granted(third)}; ${cut.length} calls cut by the kill; ${granted(third) - servedThird} of the window lost with the killed instance's lease`,
      );
      expect(count.certain).toBeLessThanOrEqual(RPM);
      expect(granted(third)).toBeLessThanOrEqual(RPM);
      expect(count.certain + count.straddling).toBeGreaterThanOrEqual(RPM - LARGEST_LEASE);
      for (const reply of replies.filter((r) => r.sentAt >= killAt + 1000)) expect([200, 429]).toContain(reply.status);
    }, 360_000);

    it('max_parallel with an instance SIGKILLed holding slots: never over the limit, and the whole limit usable again once its slots expire', async () => {
      const maxParallel = 4;
      const tag = 'parallel-kill';
      const { key } = await keyWith(alive(), tag, { maxParallel });
      const [a, b, victim] = alive();
      openai.setMode({ type: 'slow', delayMs: 60_000 });
      const held = burst([victim], maxParallel, key, `${tag}-held`);
      await waitFor('the victim’s calls open at the fake', () =>
        callsTagged(openai, `${tag}-held`).size === maxParallel ? true : undefined,
      );
      victim.child.kill('SIGKILL');
      const killedAt = Date.now();
      expect((await held).every((r) => r.status === 0)).toBe(true);
      openai.setMode('ok');

      // The dead holder's slots count until they expire: calls elsewhere are refused, then admitted.
      const probes: Reply[] = [];
      const recovered = await waitFor(
        'a call admitted again',
        async () => {
          const reply = await chat(probes.length % 2 ? a : b, key, `${tag}-probe:${probes.length}`);
          probes.push(reply);
          if (reply.status === 200) return Date.now();
          expect(reply.status).toBe(429);
          await new Promise((resolve) => setTimeout(resolve, 250));
          return undefined;
        },
        PARALLEL_SLOT_TTL_MS + 10_000,
      );

      // The whole limit again: 6 slow calls at once over the two instances left, 4 admitted (slow enough that
      // none of the 4 ends before the last of the 6 is decided, on a loaded machine too).
      openai.setMode({ type: 'slow', delayMs: 5000 });
      let after: Reply[];
      try {
        after = await burst([a, b], maxParallel + 2, key, `${tag}-after`);
      } finally {
        openai.setMode('ok');
      }
      const everything = [`${tag}-held`, `${tag}-probe`, `${tag}-after`].flatMap((t) => [...callsTagged(openai, t).values()]);
      printFigure(
        `pgbouncer: max_parallel ${maxParallel}, an instance SIGKILLed holding all ${maxParallel} slots: ${probes.length - 1} calls refused ` +
          `until its slots expired ${recovered - killedAt} ms after the kill (TTL ${PARALLEL_SLOT_TTL_MS} ms); then ` +
          `${after.filter((r) => r.status === 200).length} of ${after.length} calls at once admitted; at most ${mostOpenAtOnce(everything)} open at once at the fake`,
      );
      expect(probes[0].status).toBe(429);
      // Its rows expire a TTL after its last write (just before the kill); a probe's round trip on a loaded machine on top.
      expect(recovered - killedAt).toBeLessThanOrEqual(PARALLEL_SLOT_TTL_MS + 5000);
      expect(after.filter((r) => r.status === 200)).toHaveLength(maxParallel);
      expect(after.filter((r) => r.status === 429)).toHaveLength(2);
      expect(mostOpenAtOnce(everything)).toBeLessThanOrEqual(maxParallel);
    }, 120_000);
  },
);
