import { type CallOutcome, OUTCOME_BUCKET_MS } from '../kernel/call-outcomes';

/** One call (or a batch record) as the spend and outcome tables see it. */
export interface CallRecord {
  provider: string;
  /** '' when the record named no model. */
  model: string;
  /** '0' when the record named no credential. */
  credentialId: string;
  /** The consumer key the gateway call was made with; '0' when none (every call not through the gateway). */
  consumerKeyId: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costNanos: bigint;
  outcome?: CallOutcome;
  latencyMs?: number;
  at: Date;
}

/** A row of usage_daily to add to. */
export interface DailyDelta {
  day: string;
  provider: string;
  model: string;
  credentialId: string;
  consumerKeyId: string;
  requests: bigint;
  inputTokens: bigint;
  outputTokens: bigint;
  costNanos: bigint;
}

/** A row of call_outcome_buckets to add to. */
export interface OutcomeDelta {
  provider: string;
  bucketStart: Date;
  model: string;
  successes: number;
  errors: number;
  timeouts: number;
  rateLimited: number;
  authErrors: number;
  latencyMsSum: bigint;
}

export interface CallDeltas {
  daily: DailyDelta[];
  outcomes: OutcomeDelta[];
}

const OUTCOME_FIELD: Record<CallOutcome, 'successes' | 'errors' | 'timeouts' | 'rateLimited' | 'authErrors'> = {
  success: 'successes',
  error: 'errors',
  timeout: 'timeouts',
  rate_limited: 'rateLimited',
  auth_error: 'authErrors',
};

/**
 * Spend per day/provider/model/credential/consumer key and outcomes per 10-second bucket, added up in memory
 * between flushes like UsageTally (and drained with it, so both go in the flush's one transaction).
 */
export class CallTally {
  private daily = new Map<string, DailyDelta>();
  private outcomes = new Map<string, OutcomeDelta>();

  add(call: CallRecord): void {
    const day = call.at.toISOString().slice(0, 10);
    const dailyKey = `${day}\u0000${call.provider}\u0000${call.model}\u0000${call.credentialId}\u0000${call.consumerKeyId}`;
    const daily = this.daily.get(dailyKey);
    if (daily) {
      daily.requests += BigInt(call.requests);
      daily.inputTokens += BigInt(call.inputTokens);
      daily.outputTokens += BigInt(call.outputTokens);
      daily.costNanos += call.costNanos;
    } else {
      this.daily.set(dailyKey, {
        day,
        provider: call.provider,
        model: call.model,
        credentialId: call.credentialId,
        consumerKeyId: call.consumerKeyId,
        requests: BigInt(call.requests),
        inputTokens: BigInt(call.inputTokens),
        outputTokens: BigInt(call.outputTokens),
        costNanos: call.costNanos,
      });
    }
    if (call.outcome === undefined) return;
    const bucketStart = new Date(Math.floor(call.at.getTime() / OUTCOME_BUCKET_MS) * OUTCOME_BUCKET_MS);
    const outcomeKey = `${call.provider}\u0000${bucketStart.toISOString()}\u0000${call.model}`;
    let outcome = this.outcomes.get(outcomeKey);
    if (!outcome) {
      outcome = {
        provider: call.provider,
        bucketStart,
        model: call.model,
        successes: 0,
        errors: 0,
        timeouts: 0,
        rateLimited: 0,
        authErrors: 0,
        latencyMsSum: 0n,
      };
      this.outcomes.set(outcomeKey, outcome);
    }
    outcome[OUTCOME_FIELD[call.outcome]] += call.requests;
    outcome.latencyMsSum += BigInt(Math.round(call.latencyMs ?? 0));
  }

  /** Everything so far, rows sorted by key (so instances lock shared rows in one order), and a fresh tally. */
  drain(): CallDeltas {
    const deltas = { daily: sortedValues(this.daily), outcomes: sortedValues(this.outcomes) };
    this.daily = new Map();
    this.outcomes = new Map();
    return deltas;
  }

  get size(): number {
    return this.daily.size + this.outcomes.size;
  }
}

function sortedValues<T>(map: Map<string, T>): T[] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
}
