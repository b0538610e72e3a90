import { modelIdProblem } from '../catalog/catalog-values';
import { assertProviderName } from '../provider-settings/provider-input.rules';
import { InvalidInputError, UnknownProviderError } from '../kernel/registry.errors';
import { CALL_OUTCOMES } from '../kernel/call-outcomes';
import type { NormalizedUsageRecord } from './usage-batch';
import type { UsageBatchRecord, UsageRecord } from './usage.types';

/*
 * What record() and an API batch accept, as plain functions: the service applies them, the API's DTO
 * shares their bounds, and every refusal names the field (`records.3.requests` in a batch).
 */

/**
 * The most one record() may add to each of its counts: far above any real request (the largest
 * context windows hold ~10^7 tokens), low enough that a junk value cannot poison a sum: 2^32 records
 * of it still fit a bigint column.
 */
export const MAX_RECORD_AMOUNT = 2_147_483_647;
const MAX_BIGINT_ID = 9_223_372_036_854_775_807n;

/** Records per API batch: a bounded transaction, and a body well within the API's 64 KiB. */
export const MAX_BATCH_RECORDS = 1000;
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,200}$/;

/** A call's latency as reported: up to a day, in milliseconds. */
const MAX_LATENCY_MS = 86_400_000;

export type CallFields = Pick<UsageRecord, 'model' | 'outcome' | 'latencyMs'>;

/** The optional call fields of a record, checked: named by `at` (`records.3.`) in a batch. */
export function callFields(usage: UsageRecord, at = ''): CallFields {
  if (usage.model !== undefined && modelIdProblem(usage.model)) throw new InvalidInputError(`${at}model`, modelIdProblem(usage.model)!);
  if (usage.outcome !== undefined && !(CALL_OUTCOMES as readonly unknown[]).includes(usage.outcome)) {
    throw new InvalidInputError(`${at}outcome`, `must be one of ${CALL_OUTCOMES.join(', ')}`);
  }
  const latency = usage.latencyMs;
  if (latency !== undefined && (typeof latency !== 'number' || !Number.isFinite(latency) || latency < 0 || latency > MAX_LATENCY_MS)) {
    throw new InvalidInputError(`${at}latencyMs`, `must be a number of milliseconds from 0 to ${MAX_LATENCY_MS}`);
  }
  return { model: usage.model, outcome: usage.outcome, latencyMs: latency };
}

export function amount(field: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_RECORD_AMOUNT) {
    throw new InvalidInputError(field, `must be an integer from 0 to ${MAX_RECORD_AMOUNT}`);
  }
  return n;
}

/**
 * The canonical id is the tally key: '007' and '7' are one row, and one UPDATE … FROM given two
 * deltas for the same row applies only one of them.
 */
export function credentialKey(id: unknown, field = 'credentialId'): string {
  return bigintId(id, field, 'a credential id');
}

/** A consumer key's id (consumer_keys.id) as the tally keys it: canonical, like a credential's. */
export function consumerKeyKey(id: unknown, field = 'consumerKeyId'): string {
  return bigintId(id, field, 'a consumer key id');
}

function bigintId(id: unknown, field: string, what: string): string {
  // Up to 18 digits without a leading zero is already canonical and below 2^63: the common case parses nothing.
  if (typeof id === 'string' && /^[1-9]\d{0,17}$/.test(id)) return id;
  const value = typeof id === 'string' && /^\d{1,19}$/.test(id) ? BigInt(id) : 0n;
  if (value < 1n || value > MAX_BIGINT_ID) {
    throw new InvalidInputError(field, `must be ${what} (an integer from 1 to ${MAX_BIGINT_ID})`);
  }
  return value.toString();
}

/** The batch's envelope: checked before any record, so a bad key or size is named before a bad record. */
export function assertBatchShape(idempotencyKey: unknown, records: unknown): asserts idempotencyKey is string {
  if (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw new InvalidInputError('Idempotency-Key', 'is required: 1-200 printable ASCII characters');
  }
  if (!Array.isArray(records) || records.length === 0 || records.length > MAX_BATCH_RECORDS) {
    throw new InvalidInputError('records', `must hold 1 to ${MAX_BATCH_RECORDS} records`);
  }
}

/**
 * The rules of record(), with each field named by its place in the batch. Whether the provider is
 * known is the caller's to say (it is in the live snapshot), checked right after its name, as record() does.
 */
export function normalizeBatchRecord(record: UsageBatchRecord, at: string, isKnown: (provider: string) => boolean): NormalizedUsageRecord {
  const provider = assertProviderName(record?.provider, `${at}.provider`);
  if (!isKnown(provider)) throw new UnknownProviderError(provider);
  // Usage per consumer key is what the gateway saw its callers use; a batch reports calls made elsewhere.
  if ((record as { consumerKeyId?: unknown }).consumerKeyId !== undefined) {
    throw new InvalidInputError(`${at}.consumerKeyId`, 'is recorded by the gateway only, not by a usage batch');
  }
  return {
    provider,
    credentialId: record.credentialId === undefined ? null : credentialKey(record.credentialId, `${at}.credentialId`),
    requests: amount(`${at}.requests`, record.requests, 1),
    inputTokens: amount(`${at}.inputTokens`, record.inputTokens, 0),
    outputTokens: amount(`${at}.outputTokens`, record.outputTokens, 0),
    ...callFields(record, `${at}.`),
  };
}
