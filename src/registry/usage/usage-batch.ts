import { createHash } from 'node:crypto';
import type { CallOutcome } from '../kernel/call-outcomes';

/**
 * The ledger id of an API usage batch: the same key gives the same id on every instance, so the ledger's
 * primary key arbitrates retries as it does flush ids. The uuid's version nibble is 8 (custom), never
 * the 4 of randomUUID(), so a batch can never take a flush's id.
 */
export function batchLedgerId(idempotencyKey: string): string {
  const bytes = createHash('sha256').update(`api-usage:${idempotencyKey}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** One record of a batch as counted: canonical credential id, defaults applied. */
export interface NormalizedUsageRecord {
  provider: string;
  credentialId: string | null;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  model?: string;
  outcome?: CallOutcome;
  latencyMs?: number;
}

/**
 * What the batch means, hashed: a retry hashes the same, while a key reused for other usage does not.
 * Normalized values, so `"007"` and `"7"`, or an omitted `requests` and `1`, are the same batch.
 */
export function batchHash(records: readonly NormalizedUsageRecord[]): string {
  // The call fields only when a record has any, so a batch without them hashes as it did before they existed.
  const canonical = records.map((r) => {
    const counts = [r.provider, r.credentialId, r.requests, r.inputTokens, r.outputTokens];
    const call = [r.model ?? null, r.outcome ?? null, r.latencyMs ?? null];
    return call.every((v) => v === null) ? counts : [...counts, ...call];
  });
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
