import { performance } from 'node:perf_hooks';
import type { AbortSource } from '../calls/abort-source';
import { DomainError } from '../../common/domain-error';
import { ProviderCallError } from '../calls/provider-call.errors';
import { KeyLimitExceededError } from '../key-limits/key-limits.errors';
import type { FailedAttempt } from '../calls/call-report';
import type { GatewayMetrics, GatewayResult, GatewayUnanswered } from '../metrics/gateway-metrics';
import { NoAvailableProviderError, UnknownModelError } from '../selection/selection.errors';
import { ModelNotAllowedError } from './gateway.errors';
import type { GatewayCallRecord, GatewayObservers } from './gateway-observers';
import type { CallTrace, SendAttempt } from './gateway-tracing';
import type { AnswerOrigin, GatewayAnswer } from './gateway.types';

type Tokens = { inputTokens?: number; outputTokens?: number };

/**
 * One gateway call from arrival to its end, for the metrics and the observers: when the first chunk
 * came, who answered after which failures, and how it ended. A JSON answer ends when it is handed
 * over; a stream when it ends; a call nobody answered when it fails.
 */
export class CallWatch {
  private readonly started = performance.now();
  private readonly startedAt = new Date();
  private modelAsked: string | null = null;
  private stream = false;
  private timeToFirstTokenMs: number | null = null;

  constructor(
    private readonly kind: 'chat' | 'embeddings',
    private readonly consumerKeyId: string | undefined,
    private readonly signal: AbortSource,
    private readonly metrics: GatewayMetrics,
    private readonly observers: GatewayObservers,
    /** The call's trace; null while tracing is off. */
    private readonly trace: CallTrace | null = null,
  ) {}

  /** `send` itself when the call is not traced (nothing allocated), else `send` with a span around each attempt. */
  traced(send: SendAttempt): SendAttempt {
    const trace = this.trace;
    return trace === null ? send : (attempt) => trace.attempt(attempt, send);
  }

  asked(model: unknown, stream: boolean): void {
    this.modelAsked = typeof model === 'string' ? model : null;
    this.stream = stream;
  }

  firstChunk(provider: string, model: string): void {
    this.timeToFirstTokenMs = performance.now() - this.started;
    this.metrics.firstToken(provider, model, this.timeToFirstTokenMs / 1000);
  }

  /** The walk returned an answer; a JSON one ends the call here. */
  answered(answer: GatewayAnswer): void {
    if (answer.origin.report.failed.length > 0) this.metrics.fellBack(answer.origin.report.failed);
    if (answer.kind === 'json') {
      this.ended(answer.origin, answer.status < 400 ? 'success' : 'client_error', answer.status, answer.tokens);
    }
  }

  streamEnded(origin: AnswerOrigin, result: 'success' | 'stream_error' | 'cancelled', tokens: Tokens): void {
    this.ended(origin, result, 200, tokens);
  }

  failed(error: unknown): void {
    const attempts: readonly FailedAttempt[] = error instanceof ProviderCallError ? error.attempts : [];
    if (attempts.length > 0) this.metrics.fellBack(attempts);
    const reason = this.signal.aborted ? 'cancelled' : unansweredReason(error);
    this.metrics.notAnswered(reason);
    this.tell({
      ...this.base(),
      provider: null,
      model: null,
      result: reason,
      upstreamStatus: null,
      errorCode: error instanceof DomainError ? error.code : null,
      failedAttempts: attempts,
      inputTokens: null,
      outputTokens: null,
    });
  }

  private ended(origin: AnswerOrigin, result: GatewayResult, status: number, tokens: Tokens): void {
    this.metrics.answered(origin.provider, origin.model, result, (performance.now() - this.started) / 1000, tokens);
    this.tell({
      ...this.base(),
      provider: origin.provider,
      model: origin.model,
      result,
      upstreamStatus: status,
      errorCode: null,
      failedAttempts: origin.report.failed,
      inputTokens: tokens.inputTokens ?? null,
      outputTokens: tokens.outputTokens ?? null,
    });
  }

  private tell(record: GatewayCallRecord): void {
    this.observers.callEnded(record);
    this.trace?.ended(record);
  }

  private base() {
    return {
      startedAt: this.startedAt,
      kind: this.kind,
      consumerKeyId: this.consumerKeyId ?? null,
      modelAsked: this.modelAsked,
      stream: this.stream,
      latencyMs: Math.round(performance.now() - this.started),
      timeToFirstTokenMs: this.timeToFirstTokenMs === null ? null : Math.round(this.timeToFirstTokenMs),
    };
  }
}

function unansweredReason(error: unknown): GatewayUnanswered {
  if (error instanceof NoAvailableProviderError) return 'no_available_provider';
  if (error instanceof UnknownModelError) return 'unknown_model';
  if (error instanceof ModelNotAllowedError) return 'model_not_allowed';
  if (error instanceof ProviderCallError) return 'all_candidates_failed';
  if (error instanceof KeyLimitExceededError) return 'key_limit';
  return 'invalid_request';
}
