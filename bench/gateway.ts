import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '../test/support/server-process';
import {
  FakeUpstream,
  GatewayPeer,
  OurServer,
  rssMiB,
  startFakeUpstream,
  startFloor,
  startOurs,
  startPortkey,
} from './support/gateway-peers';
import { LoadResult, load, sideBySide, table } from './support/load';
import { CallTiming, OneConnection, percentile } from './support/one-connection';

/**
 * `npm run bench -- gateway` (about 4 minutes; `--quick` or BENCH_QUICK=1 for a CI-size run of about 1.5: 2 rounds
 * of 1 s, fewer one-connection calls, RSS after 1,000 and 10,000 requests): the OpenAI-compatible
 * gateway (issue 26) beside the Portkey gateway, both in front of the same fake OpenAI upstream, in one
 * run. Four processes on loopback answer the same POST /v1/chat/completions:
 * - direct: the fake upstream itself (bench/support/fake-openai-server.ts, a bare node:http server that
 *   answers at once: JSON, or SSE chunks, the finish chunk, the usage chunk and `data: [DONE]`);
 * - Portkey: `@portkey-ai/gateway` (dev dependency) started headless, with `x-portkey-provider: openai`
 *   and `x-portkey-custom-host` = the fake's /v1. Its @hono/node-server is held at 1.14.1 (package.json
 *   overrides): with newer ones every stream answers 500 (Portkey-AI/gateway#1389). Its stream reader
 *   waits 25 ms before passing on the first chunk (a setTimeout in its code), which is in its figure;
 * - the floor: a bare Fastify + undici pass-through (bench/support/passthrough-server.ts: no key check,
 *   selection, limits, fallback or accounting), for what any gateway on them costs at least, beside
 *   what ours adds; not a target;
 * - ours: `node dist/main.js` on a fresh database of the local PostgreSQL (BENCH_DATABASE_URL's server,
 *   as the other benchmarks; the embedded default when that cannot be reached, whose PGlite then runs
 *   inside ours' process, on the same two cores, and in its RSS), its `openai` credential bound to the fake's /v1, called with a consumer key and
 *   `model: "openai/gpt-4o-mini"`; LOG_LEVEL=warn (Portkey writes no request log either).
 * Before measuring, each is checked to reach the fake (the fake counts the call and sees the key that
 * peer was meant to send) with a JSON answer and a stream that ends in `data: [DONE]` with usage.
 *
 * The figures, all side by side (rounds interleaved direct, Portkey, the floor, ours, repeat; medians of rounds):
 * - req/s, non-streaming chat at 50 connections (autocannon): target ours ≥ 3× Portkey's.
 * - streams/s at 50 connections: streamed chats read to their end per second; same target.
 * - one connection, one call at a time (node:http + process.hrtime): median and p99 latency of a JSON
 *   call, and of the first SSE event of a stream ("first chunk"), pooled over the rounds; what a peer
 *   adds is its figure minus direct's. Target: ours adds ≤ ⅓ of what Portkey adds.
 * - ours' resident memory (VmRSS) at start and after 10,000 and 100,000 requests (half JSON, half
 *   streamed), measured first, before the other figures: as read, and RSS and V8's heap in use after
 *   two full garbage collections a second apart, once V8 has given the freed pages back
 *   (bench/support/full-gc-probe.cjs); the verdict reads that RSS: memory must not grow with requests
 *   served. On the embedded default PGlite is inside that process.
 * - the statements ours sent to PostgreSQL during 1,000 proxied requests and one flush interval after
 *   them, beside an idle window as long: counted inside its process by wrapping node-postgres's
 *   Client#query (bench/support/count-pg-queries.cjs), which every statement goes through on either
 *   database; each usage flush writes one usage_flushes row, and the periodic resync (REGISTRY_RESYNC_MS,
 *   60 s) reads provider_configs, ai_credentials and consumer_keys when it falls in the window. Target:
 *   only the periodic usage flush, nothing per request.
 * Ours is skipped, with the reason, when it cannot run (the build fails, or /v1 or /api/keys is not
 * on this build yet); the rest still runs.
 */

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const CONNECTIONS = 50;
const ROUNDS = QUICK ? 2 : 4;
const SECONDS = QUICK ? 1 : 3;
/** Sequential calls per peer per round on one connection. */
const JSON_CALLS = QUICK ? 60 : 250;
const STREAM_CALLS = QUICK ? 30 : 120;
const MEMORY_AT = QUICK ? [1_000, 10_000] : [10_000, 100_000];
const QUERY_WINDOW_REQUESTS = 1_000;

const REPLY = 'Hello from the fake upstream, six words.';
const messages = [{ role: 'user', content: 'Say hello' }];
const jsonBody = (peer: GatewayPeer) => ({ model: peer.model, messages });
const streamBody = (peer: GatewayPeer) => ({ model: peer.model, messages, stream: true, stream_options: { include_usage: true } });

/** One JSON call and one stream through `peer`, each checked in its answer and at the fake (count and key). */
async function verify(peer: GatewayPeer, fake: FakeUpstream): Promise<void> {
  const post = (body: unknown) =>
    fetch(peer.url, { method: 'POST', headers: { ...peer.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const fail = (what: string) => {
    throw new Error(`${peer.name}: ${what}`);
  };
  const before = await fake.stats();
  const json = await post(jsonBody(peer));
  const answer = (await json.json().catch(() => null)) as { choices?: Array<{ message?: { content?: string } }> } | null;
  if (json.status !== 200 || answer?.choices?.[0]?.message?.content !== REPLY)
    fail(`JSON call answered ${json.status} ${JSON.stringify(answer)}`);
  const stream = await post(streamBody(peer));
  const text = await stream.text();
  if (
    stream.status !== 200 ||
    !text.endsWith('data: [DONE]\n\n') ||
    !text.includes('"usage"') ||
    !text.includes('"finish_reason":"stop"')
  ) {
    fail(`stream answered ${stream.status}, ${text.length} characters, ending ${JSON.stringify(text.slice(-80))}`);
  }
  const after = await fake.stats();
  if (after.json !== before.json + 1 || after.streamed !== before.streamed + 1) {
    fail(`the fake saw ${after.json - before.json} JSON calls and ${after.streamed - before.streamed} streams, not 1 and 1`);
  }
  if (after.lastAuthorization !== peer.upstreamAuthorization) fail(`the fake saw Authorization ${after.lastAuthorization}`);
  if (after.lastModel !== 'gpt-4o-mini') fail(`the fake was asked for model ${after.lastModel}`);
}

interface Memory {
  /** Ours runs on the embedded database: PGlite is in its process, and in its RSS. */
  embedded: boolean;
  start: MemoryPoint;
  at: MemoryPoint[];
}

/** After `requests` in all: VmRSS as it is, then RSS and V8's heap in use after full garbage collections (the probe's). */
interface MemoryPoint {
  requests: number;
  rss: number;
  retained: { rssMiB: number; heapUsedMiB: number };
}

/**
 * Ours' memory at start, then after MEMORY_AT requests in all (half JSON, half streamed, 50
 * connections): as read, and after full collections (the verdict reads that RSS: what it keeps).
 */
async function memoryPhase(ours: OurServer, servedSoFar: number): Promise<Memory> {
  const point = async (requests: number): Promise<MemoryPoint> => ({ requests, rss: rssMiB(ours.pid), retained: await ours.afterFullGc() });
  const memory: Memory = { embedded: ours.embedded, start: await point(servedSoFar), at: [] };
  let served = servedSoFar;
  for (const requests of MEMORY_AT) {
    const more = requests - served;
    const json = Math.ceil(more / 2);
    for (const [body, amount] of [
      [jsonBody(ours), json],
      [streamBody(ours), more - json],
    ] as const) {
      const result = await load({ url: ours.url, method: 'POST', headers: ours.headers, body }, CONNECTIONS, { amount });
      if (result.failed > 0) throw new Error(`ours: ${result.failed} of ${amount} requests failed while counting towards ${requests}`);
    }
    served = requests;
    await sleep(1000); // the usage flush after them, and the sockets settle
    memory.at.push(await point(requests));
  }
  return memory;
}

interface QueryCount {
  load: Record<string, number>;
  idle: Record<string, number>;
  windowMs: number;
}

function minus(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(after)) if (n - (before[key] ?? 0) > 0) out[key] = n - (before[key] ?? 0);
  return out;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);
const describe = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([label, n]) => `${label} ×${n}`)
    .join(', ') || 'none';

/** Statements during 1,000 requests and the flush interval after them, then in an idle window as long. */
async function queryPhase(ours: OurServer, flushMs: number): Promise<QueryCount> {
  // What earlier requests left to flush (the memory phase's request-log rows: up to 50,000, in batches
  // of 5,000) is written before the window opens: it opens once a flush interval passes without a statement.
  let before = await ours.queries();
  for (let waited = 0; waited < 60_000; waited += flushMs) {
    await sleep(flushMs + 250);
    const now = await ours.queries();
    if (total(now) === total(before)) break;
    before = now;
  }
  const started = performance.now();
  const result = await load({ url: ours.url, method: 'POST', headers: ours.headers, body: jsonBody(ours) }, 10, {
    amount: QUERY_WINDOW_REQUESTS,
  });
  if (result.failed > 0) throw new Error(`ours: ${result.failed} of ${QUERY_WINDOW_REQUESTS} requests failed in the query window`);
  await sleep(flushMs + 500);
  const after = await ours.queries();
  const windowMs = performance.now() - started;
  await sleep(windowMs);
  const idle = await ours.queries();
  return { load: minus(after, before), idle: minus(idle, after), windowMs };
}

interface Latency {
  json: number[];
  firstChunk: number[];
}

async function timed(client: OneConnection, body: string, stream: boolean, n: number, into: number[], pick: (t: CallTiming) => number) {
  for (let i = 0; i < n; i++) into.push(pick(await client.call(body, stream)));
}

/** Rounds interleaved over the peers, one connection each: JSON call latency and a stream's first chunk. */
async function latencyPhase(peers: GatewayPeer[]): Promise<Map<GatewayPeer, Latency>> {
  const clients = new Map(peers.map((peer) => [peer, new OneConnection(peer.url, peer.headers)]));
  const out = new Map(peers.map((peer) => [peer, { json: [] as number[], firstChunk: [] as number[] }]));
  const bodies = new Map(peers.map((peer) => [peer, { json: JSON.stringify(jsonBody(peer)), stream: JSON.stringify(streamBody(peer)) }]));
  try {
    for (const peer of peers) {
      const warm: number[] = [];
      await timed(clients.get(peer)!, bodies.get(peer)!.json, false, 50, warm, (t) => t.totalMs);
      await timed(clients.get(peer)!, bodies.get(peer)!.stream, true, 25, warm, (t) => t.firstChunkMs);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const peer of peers) {
        const client = clients.get(peer)!;
        await timed(client, bodies.get(peer)!.json, false, JSON_CALLS, out.get(peer)!.json, (t) => t.totalMs);
        await timed(client, bodies.get(peer)!.stream, true, STREAM_CALLS, out.get(peer)!.firstChunk, (t) => t.firstChunkMs);
      }
    }
  } finally {
    for (const client of clients.values()) client.close();
  }
  return out;
}

const fixed = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const count = (n: number) => Math.round(n).toLocaleString('en-US');

export async function gatewayBench(): Promise<void> {
  const fake = await startFakeUpstream();
  const peers: GatewayPeer[] = [fake];
  let ours: OurServer | undefined;
  try {
    peers.push(await startPortkey(fake.baseUrl));
    peers.push(await startFloor(fake.baseUrl));
    const started = await startOurs(fake.baseUrl);
    if ('skipped' in started) console.log(`gateway: ours skipped: ${started.skipped}\n`);
    else peers.push((ours = started));
    for (const peer of peers) await verify(peer, fake);
    const stats = await fake.stats();
    console.log(
      `gateway: each peer reached the fake upstream with its own key (${stats.json} JSON calls, ${stats.streamed} streams so far)` +
        (ours ? `; ours on ${ours.database}` : '') +
        '\n',
    );

    // Memory first, so "after 10,000 requests" counts everything ours served (the probe and the checks: 3).
    const memory = ours ? await memoryPhase(ours, 3) : undefined;
    const queries = ours ? await queryPhase(ours, 1000) : undefined;

    for (const peer of peers) await load({ url: peer.url, method: 'POST', headers: peer.headers, body: jsonBody(peer) }, CONNECTIONS, 1);
    const targets: Record<string, () => Promise<LoadResult>> = {};
    for (const [mode, body] of [
      ['JSON', jsonBody],
      ['stream', streamBody],
    ] as const) {
      for (const peer of peers) {
        targets[`${peer.name} ${mode}`] = () =>
          load({ url: peer.url, method: 'POST', headers: peer.headers, body: body(peer) }, CONNECTIONS, SECONDS);
      }
    }
    const throughput = await sideBySide(targets, ROUNDS);
    const latency = await latencyPhase(peers);

    report(peers, throughput, latency, memory, queries);
  } catch (error) {
    // A refused connection says little by itself: name the peer that died, and how.
    for (const peer of peers) {
      const death = peer.death();
      if (death) console.error(`gateway: ${peer.name} ${death}`);
    }
    throw error;
  } finally {
    for (const peer of peers.reverse()) await peer.close().catch((error) => console.error(`closing ${peer.name}:`, error));
  }
}

function report(
  peers: GatewayPeer[],
  throughput: Record<string, LoadResult>,
  latency: Map<GatewayPeer, Latency>,
  memory: Memory | undefined,
  queries: QueryCount | undefined,
): void {
  const [direct, portkey, floor, ours] = peers;
  const rows: string[][] = [];
  const verdict = (ok: boolean) => (ok ? '' : ' MISSED');
  const rate = (mode: 'JSON' | 'stream', label: string) => {
    const of = (peer: GatewayPeer | undefined) => (peer ? throughput[`${peer.name} ${mode}`] : undefined);
    const ratio = ours ? of(ours)!.rps / of(portkey)!.rps : NaN;
    const failed = peers.reduce((sum, peer) => sum + of(peer)!.failed, 0);
    rows.push([
      label + (failed > 0 ? ` (${failed} failed!)` : ''),
      count(of(direct)!.rps),
      count(of(portkey)!.rps),
      count(of(floor)!.rps),
      ours ? count(of(ours)!.rps) : 'skipped',
      ours ? `${fixed(ratio)}×` : '',
      `≥ 3×${ours ? verdict(ratio >= 3) : ''}`,
    ]);
  };
  const added = (label: string, pick: (l: Latency) => number[], p: number) => {
    const at = (peer: GatewayPeer) => percentile(pick(latency.get(peer)!), p);
    const base = at(direct);
    const signed = (n: number) => `${n < 0 ? '−' : '+'}${fixed(Math.abs(n))}`;
    const cell = (peer: GatewayPeer | undefined) => (peer ? `${fixed(at(peer))} (${signed(at(peer) - base)})` : 'skipped');
    const ratio = ours ? (at(ours) - base) / (at(portkey) - base) : NaN;
    rows.push([
      label,
      fixed(base),
      cell(portkey),
      cell(floor),
      cell(ours),
      ours ? `${fixed(ratio)} of it` : '',
      `≤ 0.33${ours ? verdict(ratio <= 1 / 3) : ''}`,
    ]);
  };
  rate('JSON', `chat JSON, ${CONNECTIONS} connections: req/s`);
  rate('stream', `chat streamed, ${CONNECTIONS} connections: streams/s`);
  added('chat JSON, 1 connection: median ms (added)', (l) => l.json, 50);
  added('chat JSON, 1 connection: p99 ms (added)', (l) => l.json, 99);
  added('stream, 1 connection: first chunk median ms (added)', (l) => l.firstChunk, 50);
  added('stream, 1 connection: first chunk p99 ms (added)', (l) => l.firstChunk, 99);

  const samples = latency.get(direct)!.json.length;
  console.log(
    `gateway: the same fake OpenAI upstream direct, through Portkey (@portkey-ai/gateway ${portkeyVersion()}), through the floor and through ours; ` +
      `${ROUNDS} interleaved rounds${QUICK ? ' (--quick)' : ''}: ${SECONDS} s of autocannon per figure (median round); ` +
      `one connection: ${samples} JSON calls and ${latency.get(direct)!.firstChunk.length} streams per peer, pooled\n` +
      table(['figure', 'direct', 'Portkey', 'floor', 'ours', 'ours vs Portkey', 'target'], rows) +
      '\nfloor: a bare Fastify + undici pass-through (bench/support/passthrough-server.ts), what any gateway on them costs at least\n' +
      '\n',
  );
  if (memory) {
    const [first, last] = memory.at;
    const figures = (m: MemoryPoint) => `${fixed(m.rss, 0)} (${fixed(m.retained.rssMiB, 0)}; ${fixed(m.retained.heapUsedMiB, 0)})`;
    const growth = last.retained.rssMiB / first.retained.rssMiB;
    console.log(
      `ours, memory: RSS as read (RSS after full GCs; V8 heap in use after them), MiB: ` +
        [`${figures(memory.start)} at start`, ...memory.at.map((m) => `${figures(m)} after ${count(m.requests)} requests`)].join(', ') +
        ` (half JSON, half streamed): RSS after full GCs ×${fixed(growth)} from ${count(first.requests)} to ${count(last.requests)}, ` +
        `V8 heap ×${fixed(last.retained.heapUsedMiB / first.retained.heapUsedMiB)} ` +
        (QUICK
          ? '(--quick: too few requests to judge growth; warm-up dominates) '
          : `(target: no growth with requests served; flagged above ×1.10${growth <= 1.1 ? '' : ': MISSED'})`) +
        (memory.embedded ? '; on the embedded default its PostgreSQL (PGlite) lives in the same process and counts in it' : ''),
    );
  }
  if (queries) {
    console.log(
      `ours, database: ${total(queries.load)} statements during ${count(QUERY_WINDOW_REQUESTS)} requests and the flush interval after them ` +
        `(${describe(queries.load)}; usage flushes: ${queries.load['INSERT usage_flushes'] ?? 0}); ` +
        `${total(queries.idle)} in an idle window as long (${fixed(queries.windowMs / 1000, 1)} s; ${describe(queries.idle)}). ` +
        `Counted in its process at node-postgres's Client#query; usage flushes every 1 s, and SELECTs of provider_configs, ai_credentials ` +
        `and consumer_keys, if any, are the resync every REGISTRY_RESYNC_MS (60 s) falling in the window. Target: only the periodic flushes.`,
    );
  }
  console.log('');
}

function portkeyVersion(): string {
  const manifest = path.join(REPO_ROOT, 'node_modules/@portkey-ai/gateway/package.json');
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}
