import { Inject, Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { tidy } from '../health/probes/probe-detail';
import { RegistrySettings } from '../kernel/registry-settings';
import { REGISTRY_SETTINGS } from '../kernel/registry-tokens';
import { ModelSelectionService } from '../selection/model-selection.service';
import type { ModelType } from '../snapshot/registry-snapshot';
import type { PlannedCandidate, SelectionPlan, SelectionRequest } from '../selection/select-model';
import type { CallOutcome } from '../kernel/call-outcomes';
import { UsageService } from '../usage/usage.service';
import { abortError, type AbortSource } from './abort-source';
import { AttemptSignal } from './attempt-signal';
import { CallConnections, Connection } from './call-connections';
import { failsWholeProvider, judgeAttempt } from './call-outcome';
import { CallReport, FailedAttempt, reportSkipped } from './call-report';
import { egressFetch } from './egress-fetch';
import { describeAttempts, describeEveryCandidate, ProviderCallError } from './provider-call.errors';

/** What a host passes to languageModel()/textEmbeddingModel(): a selection request without its model type. */
export type ModelRequest = Omit<SelectionRequest, 'modelType'>;

/** One attempt at one candidate, handed to the code that calls the SDK model. */
export interface Attempt {
  candidate: PlannedCandidate;
  connection: Connection;
  signal: AttemptSignal;
  fetch: typeof globalThis.fetch;
  /** The report as it stands if this attempt is the one that answers. */
  report: CallReport;
  /** Records this attempt's usage once it is settled (successes; failures are recorded by the walk). */
  record(outcome: CallOutcome | undefined, tokens?: { inputTokens?: number; outputTokens?: number }): void;
  /** record(), made later (once the answer was delivered) with the latency as it stands now. */
  recordLater(outcome: CallOutcome | undefined, tokens?: { inputTokens?: number; outputTokens?: number }): () => void;
  /**
   * Settles a stream that failed after output began (never a reason to switch): records it as the
   * provider's failure (unless the caller aborted) and returns the error the caller gets, scrubbed.
   */
  failedMidStream(error: unknown): unknown;
}

/**
 * Walks a selection plan: the chosen candidate, then its fallbacks in order, until one answers. A
 * failure worth trying elsewhere (judgeAttempt) moves on; any other, or the caller's abort, ends the
 * walk. Every attempt that sent a request is recorded with its outcome and latency.
 */
@Injectable()
export class PlanWalker {
  private readonly logger = new Logger(PlanWalker.name);
  private readonly fetch: typeof globalThis.fetch;

  constructor(
    private readonly selection: ModelSelectionService,
    private readonly connections: CallConnections,
    private readonly usage: UsageService,
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
  ) {
    this.fetch = egressFetch(connections);
  }

  async walk<T>(
    modelType: ModelType,
    request: ModelRequest,
    callerSignal: AbortSource | undefined,
    run: (attempt: Attempt) => Promise<T>,
  ): Promise<T> {
    return this.walkPlan(modelType, this.selection.plan({ ...request, modelType }), callerSignal, run);
  }

  /**
   * walk() over a plan worked out by the caller (the gateway's, for a request that names its model);
   * `consumerKeyId`: the gateway's caller, recorded with each attempt's usage.
   */
  async walkPlan<T>(
    modelType: ModelType,
    plan: SelectionPlan,
    callerSignal: AbortSource | undefined,
    run: (attempt: Attempt) => Promise<T>,
    consumerKeyId?: string,
  ): Promise<T> {
    const skipped = reportSkipped(plan.skipped);
    const failed: FailedAttempt[] = [];
    /** Providers that failed as a whole (failsWholeProvider), with why: their other models are not tried. */
    const down = new Map<string, string>();
    for (const candidate of plan.candidates) {
      if (callerSignal?.aborted) throw callerSignal.reason ?? abortError();
      const downBecause = down.get(candidate.provider);
      if (downBecause !== undefined) {
        failed.push({ ...label(candidate), outcome: null, status: null, reason: `not tried: ${downBecause}`, latencyMs: 0 });
        continue;
      }
      // A half-open provider (passive health) gets only a few trial calls per instance, fallbacks included.
      if (!this.selection.takeTrial(candidate.provider)) {
        failed.push({
          ...label(candidate),
          outcome: null,
          status: null,
          reason: 'not tried: its half-open trial calls are taken',
          latencyMs: 0,
        });
        continue;
      }
      const connection = await this.connections.resolve(candidate.provider, modelType);
      if ('unreachable' in connection) {
        failed.push({ ...label(candidate), outcome: null, status: null, reason: connection.unreachable, latencyMs: 0 });
        continue;
      }
      const attempt = this.attempt(
        candidate,
        connection,
        callerSignal,
        { source: candidate.source, failed: [...failed], skipped },
        consumerKeyId,
      );
      try {
        return await run(attempt);
      } catch (error) {
        const { signal } = attempt;
        signal.dispose();
        const verdict = judgeAttempt(error, signal);
        // The caller's own abort ends the walk with the error the SDK raised for it, as without us.
        if (signal.callerAborted) {
          attempt.record(undefined);
          throw error;
        }
        // The SDK refused the call before sending it (a prompt it cannot convert, say): the caller's, as is.
        if (verdict.notSent && !verdict.retryable) throw error;
        if (!verdict.notSent) attempt.record(verdict.outcome);
        const reason = signal.timedOut ? `no answer within ${this.settings.callTimeoutMs} ms` : attempt.reasonOf(error, verdict.status);
        failed.push({
          ...label(candidate),
          outcome: verdict.outcome ?? null,
          status: verdict.status ?? null,
          reason,
          latencyMs: attempt.elapsedMs(),
        });
        if (!verdict.retryable) throw new ProviderCallError(describeAttempts(failed.slice(-1)), failed, skipped);
        if (failsWholeProvider(verdict))
          down.set(candidate.provider, `${candidate.provider}/${candidate.model} failed just before (${reason})`);
        this.logger.warn(`${candidate.provider}/${candidate.model} failed (${reason}); trying the next candidate`);
      }
    }
    throw new ProviderCallError(describeEveryCandidate(failed, skipped), failed, skipped);
  }

  private attempt(
    candidate: PlannedCandidate,
    connection: Connection,
    callerSignal: AbortSource | undefined,
    before: Omit<CallReport, 'provider' | 'model'>,
    consumerKeyId: string | undefined,
  ): Attempt & { reasonOf(error: unknown, status: number | undefined): string; elapsedMs(): number } {
    const signal = new AttemptSignal(callerSignal, this.settings.callTimeoutMs);
    const started = performance.now();
    const secrets = connection.apiKey ? [connection.apiKey] : [];
    const elapsedMs = () => Math.round(performance.now() - started);
    const recordLater = (outcome: CallOutcome | undefined, tokens: { inputTokens?: number; outputTokens?: number } = {}) => {
      const latencyMs = elapsedMs();
      return () => this.record(candidate, connection, latencyMs, outcome, tokens, consumerKeyId);
    };
    const record = (outcome: CallOutcome | undefined, tokens?: { inputTokens?: number; outputTokens?: number }) =>
      recordLater(outcome, tokens)();
    const reasonOf = (error: unknown, status: number | undefined) => scrubbedReason(error, status, secrets);
    return {
      candidate,
      connection,
      signal,
      fetch: this.fetch,
      report: { ...label(candidate), ...before },
      record,
      recordLater,
      reasonOf,
      elapsedMs,
      failedMidStream: (error) => {
        signal.dispose();
        if (signal.callerAborted) {
          record(undefined);
          return error;
        }
        const verdict = judgeAttempt(error, signal);
        const outcome = verdict.outcome ?? 'error';
        record(outcome);
        const last: FailedAttempt = {
          ...label(candidate),
          outcome,
          status: verdict.status ?? null,
          reason: reasonOf(error, verdict.status),
          latencyMs: elapsedMs(),
        };
        return new ProviderCallError(
          `${last.provider}/${last.model} failed after output had begun: ${last.reason}`,
          [...before.failed, last],
          before.skipped,
        );
      },
    };
  }

  /** Never breaks the call: a provider deleted meanwhile (UnknownProviderError) only loses its count. */
  private record(
    candidate: PlannedCandidate,
    connection: Connection,
    latencyMs: number,
    outcome: CallOutcome | undefined,
    tokens: { inputTokens?: number; outputTokens?: number },
    consumerKeyId: string | undefined,
  ): void {
    try {
      this.usage.record(candidate.provider, {
        requests: 1,
        inputTokens: count(tokens.inputTokens),
        outputTokens: count(tokens.outputTokens),
        credentialId: connection.credentialId,
        consumerKeyId,
        model: candidate.model,
        outcome,
        latencyMs,
      });
    } catch (error) {
      this.logger.warn(`Usage of a call to ${candidate.provider}/${candidate.model} was not recorded: ${(error as Error).message}`);
    }
  }
}

function label(candidate: PlannedCandidate): { provider: string; model: string } {
  return { provider: candidate.provider, model: candidate.model };
}

/** A token count the usage counters accept (providers report undefined, and nothing stops a negative). */
function count(n: number | undefined): number {
  return n !== undefined && Number.isFinite(n) && n > 0 ? Math.min(Math.trunc(n), 2_147_483_647) : 0;
}

/** A line for the report: the status and the provider's message, with anything key-shaped removed. */
function scrubbedReason(error: unknown, status: number | undefined, secrets: readonly string[]): string {
  const message = typeof (error as Error | undefined)?.message === 'string' ? (error as Error).message : String(error);
  return tidy(status === undefined ? message : `HTTP ${status}: ${message}`, secrets);
}
