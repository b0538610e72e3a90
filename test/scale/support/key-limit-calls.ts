import type { Client } from 'pg';
import { inputTokenBound } from '../../../src/registry/key-limits/key-limits.rules';
import type { FakeProvider, FakeProviderOptions, RecordedRequest } from '../../support/fake-provider-server';
import { ADMIN_TOKEN, Instance, OPENAI_KEY } from '../../support/instances';
import { waitFor } from '../../support/server-process';

/**
 * The gateway calls of the per-key limit scale tests and what they read back. Usage as a model that
 * writes until its max_tokens reports it: a short prompt (~85 bytes, the input bound the gateway
 * reserves, of which the fake reports REALISTIC.inputTokens tokens, as a tokenizer would count such
 * English) and an answer of exactly MAX_TOKENS tokens (one per word).
 */
export const MAX_TOKENS = 1000;
export const REALISTIC: FakeProviderOptions = {
  kind: 'openai',
  apiKey: OPENAI_KEY,
  inputTokens: 15,
  reply: Array.from({ length: MAX_TOKENS }, (_, i) => `w${i}`).join(' '),
};
/** gpt-4o-mini in the catalog: USD per million tokens, in nanos per token. */
const PRICE_NANOS = { input: 150n, output: 600n };

export interface Reply {
  /** 0: no answer (the instance died). */
  status: number;
  headers: Headers;
  body: { error?: { type?: string; code?: string | null } };
  /** The client's clock just before sending, and when the answer was read (or the call failed). */
  sentAt: number;
  receivedAt: number;
  /** The call's own mark in its message, to find it in the fake's records. */
  id: string;
}

const prompt = (id: string) => [{ role: 'user', content: `${id} Write a long essay about the sea.` }];

/** A chat call with a consumer key; `id` marks its message (tests tell their calls apart by its prefix). */
export async function chat(instance: Instance, key: string, id: string, extra: Record<string, unknown> = {}): Promise<Reply> {
  const sentAt = Date.now();
  try {
    const response = await fetch(`${instance.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: prompt(id), max_tokens: MAX_TOKENS, ...extra }),
    });
    const body = JSON.parse(await response.text()) as Reply['body'];
    return { status: response.status, headers: response.headers, body, sentAt, receivedAt: Date.now(), id };
  } catch {
    return { status: 0, headers: new Headers(), body: {}, sentAt, receivedAt: Date.now(), id };
  }
}

/** What the gateway reserves for one call of `id` (its input bound and MAX_TOKENS), in tokens and USD nanos. */
export function worstCaseOf(id: string): { tokens: bigint; usdNanos: bigint } {
  const input = BigInt(inputTokenBound({ messages: prompt(id) }));
  return { tokens: input + BigInt(MAX_TOKENS), usdNanos: input * PRICE_NANOS.input + BigInt(MAX_TOKENS) * PRICE_NANOS.output };
}

/** What one answered call costs as the fake reports it, in USD nanos. */
export const REAL_COST_NANOS = BigInt(REALISTIC.inputTokens!) * PRICE_NANOS.input + BigInt(MAX_TOKENS) * PRICE_NANOS.output;

/** `count` concurrent calls spread round-robin over the instances, marked `${tag}:<i>`. */
export function burst(instances: Instance[], count: number, key: string, tag: string, extra?: Record<string, unknown>): Promise<Reply[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => chat(instances[i % instances.length], key, `${tag}:${i}`, extra)));
}

/** The fake's model calls whose mark starts with `${tag}:`, by mark. */
export function callsTagged(fake: FakeProvider, tag: string): Map<string, RecordedRequest> {
  const calls = new Map<string, RecordedRequest>();
  for (const request of fake.requests()) {
    const content = (request.body as { messages?: Array<{ content?: string }> } | undefined)?.messages?.[0]?.content;
    const id = content?.split(' ')[0];
    if (request.method === 'POST' && id?.startsWith(`${tag}:`)) calls.set(id, request);
  }
  return calls;
}

/** The most requests the fake had open at one moment (an end at the same ms as a start counted first). */
export function mostOpenAtOnce(requests: Iterable<RecordedRequest>): number {
  const events = [...requests].flatMap((r) => [
    { at: r.receivedAt, delta: 1 },
    { at: r.closedAt ?? Number.MAX_SAFE_INTEGER, delta: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let most = 0;
  for (const { delta } of events) most = Math.max(most, (open += delta));
  return most;
}

/** A counter's total over the instances' /metrics, over the label sets that start with `prefix`. */
export async function totalOver(instances: Instance[], prefix: string): Promise<number> {
  const totals = await Promise.all(
    instances.map(async (instance) => {
      const text = await (await fetch(`${instance.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
      return text
        .split('\n')
        .filter((line) => line.startsWith(prefix))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    }),
  );
  return totals.reduce((a, b) => a + b, 0);
}

/** Rows written to the key limits' tables as PostgreSQL's statistics count them (inserts + updates + deletes), by table. */
export async function limitWrites(client: Client): Promise<{ allowances: number; parallelSlots: number }> {
  // The other sessions' counts reach the statistics when they go idle (at most a second later in PostgreSQL 15).
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query<{ relname: string; writes: string }>(
    `SELECT relname, (n_tup_ins + n_tup_upd + n_tup_del)::text AS writes FROM pg_stat_user_tables
     WHERE relname IN ('consumer_key_allowances', 'consumer_key_parallel_slots')`,
  );
  const of = (table: string) => Number(rows.find((row) => row.relname === table)?.writes ?? 0);
  return { allowances: of('consumer_key_allowances'), parallelSlots: of('consumer_key_parallel_slots') };
}

/** Writes between two readings of limitWrites(), both tables together. */
export function writesBetween(before: { allowances: number; parallelSlots: number }, after: { allowances: number; parallelSlots: number }) {
  const allowances = after.allowances - before.allowances;
  const parallelSlots = after.parallelSlots - before.parallelSlots;
  return { allowances, parallelSlots, total: allowances + parallelSlots };
}

/** Waits until the rest of the current UTC minute is at least `ms` long (else for the next minute). */
export async function roomInThisMinute(ms: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await new Promise((resolve) => setTimeout(resolve, left + 200));
}

/** A key made through the API with these limits, once every instance knows it (an empty body: 400, not 401, and no limit spent). */
export async function keyWith(instances: Instance[], name: string, limits: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const created = await instances[0].api<{ data: { id: string; key: string } }>('POST', '/api/keys', { name, ...limits });
  if (created.status !== 201) throw new Error(`creating key ${name} answered ${created.status}`);
  const { id, key } = created.body.data;
  for (const instance of instances) {
    let last = 'no answer yet';
    await waitFor(
      `key ${name} on ${instance.url}`,
      async () => {
        const response = await fetch(`${instance.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [] }),
        });
        last = `${response.status} ${await response.text()}`;
        return response.status === 400 ? true : undefined;
      },
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the last answer: ${last}`);
    });
  }
  return { id, key };
}
