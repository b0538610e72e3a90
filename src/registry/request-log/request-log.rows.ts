import type { FailedAttempt } from '../calls/call-report';
import { costNanos, priceOf } from '../catalog/prices';
import type { Catalog } from '../catalog/catalog.types';
import type { GatewayCallRecord } from '../gateway/gateway-observers';
import type { RequestLogEntry } from './request-log.entity';
import { timeOrderedId } from './time-ordered-id';

/** A row as the flush inserts it: the entity's columns, cost already worked out. */
export type RequestLogRow = Omit<RequestLogEntry, 'costNanos'> & { costNanos: bigint };

const MAX_INT = 2_147_483_647;
const MAX_TEXT = 200;
const MAX_REASON = 500;

/** A count the columns can hold: a hostile upstream's absurd token count is capped, never a failed flush. */
function int(value: number | null): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  return Math.min(MAX_INT, Math.max(0, Math.round(value)));
}

/**
 * What PostgreSQL refuses in text and jsonb, from what a caller typed (the model asked for) or an
 * upstream sent (a failure's reason): NUL, and a half of a surrogate pair (JSON.stringify writes it as
 * an escape jsonb does not take). Such a row would fail its whole batch, and every flush after it.
 */
// eslint-disable-next-line no-control-regex -- NUL is what it looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** At most `max` characters PostgreSQL stores, the unstorable ones replaced (U+FFFD). */
function cut(text: string | null, max = MAX_TEXT): string | null {
  return text === null ? null : text.slice(0, max).replace(UNSTORABLE, '\uFFFD');
}

function attempt({ provider, model, outcome, status, reason, latencyMs }: FailedAttempt): FailedAttempt {
  // Only the known fields, so nothing a later change adds to FailedAttempt reaches the log unread.
  return { provider, model, outcome, status, reason: cut(reason, MAX_REASON)!, latencyMs: int(latencyMs) ?? 0 };
}

/**
 * What one ended gateway call leaves in the log. Its cost is the answering model's catalog price times
 * its tokens, as the usage flush prices them (0 without a price, a model or tokens). Never a prompt, an
 * answer or a key: the record carries none, and only its named fields are copied.
 */
export function requestLogRow(record: GatewayCallRecord, catalog: Catalog, id = timeOrderedId(record.startedAt.getTime())): RequestLogRow {
  const inputTokens = int(record.inputTokens);
  const outputTokens = int(record.outputTokens);
  const price = record.provider === null ? undefined : priceOf(catalog, record.provider, record.model ?? undefined);
  const status = record.upstreamStatus;
  return {
    id,
    startedAt: record.startedAt,
    kind: record.kind,
    consumerKeyId: record.consumerKeyId,
    modelAsked: cut(record.modelAsked),
    stream: record.stream,
    provider: cut(record.provider, 63),
    model: cut(record.model),
    result: record.result,
    upstreamStatus: status !== null && Number.isInteger(status) && status >= 100 && status <= 999 ? status : null,
    errorCode: cut(record.errorCode, 64),
    failedAttempts: record.failedAttempts.map(attempt),
    inputTokens,
    outputTokens,
    costNanos: costNanos(price, BigInt(inputTokens ?? 0), BigInt(outputTokens ?? 0)),
    latencyMs: int(record.latencyMs) ?? 0,
    timeToFirstTokenMs: int(record.timeToFirstTokenMs),
  };
}
