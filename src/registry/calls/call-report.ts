import type { CandidateSource, SkippedCandidate } from '../selection/select-model';
import type { CallOutcome } from '../kernel/call-outcomes';

/** One candidate that was tried (or could not be) before the one that answered. */
export interface FailedAttempt {
  provider: string;
  model: string;
  /** What usage recorded for it; null when nothing was sent (no usable credential) or the request was at fault. */
  outcome: CallOutcome | null;
  /** The provider's HTTP status, when it answered. */
  status: number | null;
  /** Why it failed, in a line, scrubbed of anything shaped like a key. */
  reason: string;
  latencyMs: number;
}

/**
 * What a registry call did, under `providerMetadata.registry` of generateText/streamText/embed
 * results (and on a ProviderCallError): who finally answered, what failed before it and why, and the
 * candidates the selection passed over. Plain JSON, never a key.
 */
export interface CallReport {
  provider: string;
  model: string;
  source: CandidateSource;
  /** Candidates tried first that failed, in order. */
  failed: FailedAttempt[];
  /** Candidates the selection did not offer (unavailable, another embedding model, …), with its reasons. */
  skipped: Array<{ provider: string; model: string | null; reason: string; detail: string }>;
}

/** The key the report is published under in providerMetadata. */
export const REPORT_KEY = 'registry';

export function reportSkipped(skipped: readonly SkippedCandidate[]): CallReport['skipped'] {
  return skipped.map(({ candidate, reason, detail }) => ({ provider: candidate.provider, model: candidate.model, reason, detail }));
}
