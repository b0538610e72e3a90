import { budgetWindowOf } from '../spend/spend.rules';

/*
 * The pure decisions of per-key limits: which window a moment falls in, how much to lease, what a
 * request may cost at worst. No I/O and no clock of their own: the service passes `now`.
 */

/** The windowed limits, leased from consumer_key_allowances (calls in flight are held apart, per instance). */
export type AllowanceKind = 'requests' | 'tokens' | 'usd_nanos';

export interface AllowanceWindow {
  /** Epoch ms. */
  start: number;
  /** Epoch ms. */
  end: number;
}

/** How many equal slices a limit is leased in, at most: each instance takes 1/LEASE_PARTS at a time. */
export const LEASE_PARTS = 20;
/** As the window fills, a lease takes at most this share of what is left, so one instance cannot hold the rest hostage. */
export const LEASE_SHARE_OF_REST = 8;

/** The window `now` (epoch ms) falls in: the UTC minute for rates, the budget's UTC day or month. */
export function windowOf(kind: AllowanceKind, now: number, budgetWindow: 'day' | 'month' | null = null): AllowanceWindow {
  if (kind === 'usd_nanos') {
    const window = budgetWindowOf(budgetWindow ?? 'month', new Date(now));
    return { start: window.start.getTime(), end: window.end.getTime() };
  }
  const start = Math.floor(now / 60_000) * 60_000;
  return { start, end: start + 60_000 };
}

/** Whole seconds until `end` (at least 1): a 429's Retry-After, and the reset headers. */
export function secondsUntil(end: number, now: number): number {
  return Math.max(1, Math.ceil((end - now) / 1000));
}

/**
 * How much to ask for in one lease when `need` more is needed locally: at least `need`, normally a
 * 1/LEASE_PARTS slice of the limit, but never more than 1/LEASE_SHARE_OF_REST of what the window had
 * left when last seen (`grantedSeen`, all instances together), so the last of a window is shared out
 * in ever smaller slices. The database clamps the grant to what is really left.
 */
export function leaseSize(limit: bigint, grantedSeen: bigint, need: bigint): bigint {
  const slice = max(1n, ceilDiv(limit, BigInt(LEASE_PARTS)));
  const rest = limit - grantedSeen;
  const shareOfRest = rest > 0n ? max(1n, ceilDiv(rest, BigInt(LEASE_SHARE_OF_REST))) : 1n;
  return max(need, min(slice, shareOfRest));
}

/**
 * How long an instance's parallel slots stay counted without a renewal: what a key loses, for that
 * long, to an instance killed while holding slots. The heartbeat renews them PARALLEL_SLOT_RENEWALS
 * times per TTL, so a renewal or two may fail (a slow database, a busy event loop) before they lapse.
 */
export const PARALLEL_SLOT_TTL_MS = 15_000;
export const PARALLEL_SLOT_RENEWALS = 3;
export const PARALLEL_HEARTBEAT_MS = PARALLEL_SLOT_TTL_MS / PARALLEL_SLOT_RENEWALS;

/**
 * Parallel slots to ask for when a call finds none free (`held` slots, `inFlight` of them in use):
 * enough for one more call — and for the calls in flight, when the holder's slots lapsed under them —
 * but normally a small slice of the limit, so a busy instance does not ask for each call. The database
 * grants what is left.
 */
export function parallelWant(limit: number, held: number, inFlight: number): number {
  return Math.max(inFlight + 1 - held, Math.floor(limit / LEASE_PARTS), 1);
}

/**
 * Whether slots a holder wrote at `writtenAt` (its own clock, taken before it sent the statement) may
 * still be used at `now`: the database set their expiry a TTL after it ran the statement, which is
 * later, so a holder that uses them only before writtenAt + TTL never uses a slot another holder
 * already counts as free.
 */
export function slotsUsable(writtenAt: number, now: number): boolean {
  return now < writtenAt + PARALLEL_SLOT_TTL_MS;
}

/**
 * An upper bound of a chat request's input tokens, counted without a tokenizer: the UTF-8 bytes of
 * what is sent as input (messages, and the tools and system prompt that are priced as input). Every
 * byte-level BPE token of the providers we speak to holds at least one byte, and the JSON syntax
 * counted with the text outweighs the few tokens of each message's framing. Images are not text: each
 * image part adds IMAGE_PART_TOKENS.
 */
export function inputTokenBound(body: Record<string, unknown>): number {
  let bytes = 0;
  for (const field of ['messages', 'tools', 'system', 'functions', 'input']) {
    const value = body[field];
    if (value !== undefined) bytes += Buffer.byteLength(JSON.stringify(value), 'utf8');
  }
  return bytes + IMAGE_PART_TOKENS * imageParts(body.messages);
}

/** OpenAI's high-detail price of an image (a 2048×768 tile grid): the most one image part is billed as. */
export const IMAGE_PART_TOKENS = 1_105;

function imageParts(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  let count = 0;
  for (const message of messages) {
    const content = (message as { content?: unknown } | null)?.content;
    if (!Array.isArray(content)) continue;
    for (const part of content) {
      const type = (part as { type?: unknown } | null)?.type;
      if (type === 'image_url' || type === 'image' || type === 'input_image') count++;
    }
  }
  return count;
}

/** The fields of a chat request that bound its output, the newer name first. */
export const MAX_OUTPUT_FIELDS = ['max_completion_tokens', 'max_tokens'] as const;

/** The request's own cap on output tokens (max_completion_tokens or max_tokens), or null when it sets none. */
export function requestedMaxOutput(body: Record<string, unknown>): number | null {
  for (const field of MAX_OUTPUT_FIELDS) {
    const value = body[field];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  }
  return null;
}

export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
