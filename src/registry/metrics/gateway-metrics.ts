import { Counter, Histogram } from 'prom-client';
import { OTHER_PROVIDER, RegistryMetrics } from './registry-metrics';

/** How a gateway call ended, for its count: answered, refused by the upstream as the client's fault, failed, or cancelled by the client. */
export type GatewayResult = 'success' | 'client_error' | 'stream_error' | 'cancelled';

/** Why a gateway call was answered by nobody (every other ending has a provider). */
export type GatewayUnanswered =
  | 'no_available_provider'
  | 'unknown_model'
  | 'model_not_allowed'
  | 'all_candidates_failed'
  | 'invalid_request'
  /** A limit of the consumer key (rpm, tpm, calls in flight, budget) refused it: a 429. */
  | 'key_limit'
  /** The client went away before any provider answered. */
  | 'cancelled';

/** One failed attempt that moved the call on to the next candidate. */
export interface FallbackAttempt {
  provider: string;
  model: string;
  outcome: string | null;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * The OpenAI-compatible gateway's figures, in the registry's Registry: calls, latency, time to first
 * token, tokens and fallbacks by provider and model. Labels are catalog slugs (others `_other`, their
 * models too) and models the registry offers, never what a caller typed.
 */
export class GatewayMetrics {
  readonly requests: Counter<'provider' | 'model' | 'result'>;
  readonly unanswered: Counter<'reason'>;
  readonly duration: Histogram<'provider' | 'model'>;
  readonly timeToFirstToken: Histogram<'provider' | 'model'>;
  readonly tokens: Counter<'provider' | 'model' | 'direction'>;
  readonly fallbacks: Counter<'provider' | 'model' | 'outcome'>;

  constructor(private readonly metrics: RegistryMetrics) {
    const registers = [metrics.registry];
    const fresh = (name: string) => {
      metrics.registry.removeSingleMetric(name);
      return { name, registers };
    };
    this.requests = new Counter({
      ...fresh('ai_gateway_requests_total'),
      help: 'Gateway calls answered by a provider, by how they ended (success, client_error, stream_error, cancelled)',
      labelNames: ['provider', 'model', 'result'],
    });
    this.unanswered = new Counter({
      ...fresh('ai_gateway_unanswered_total'),
      help: 'Gateway calls no provider answered, by reason',
      labelNames: ['reason'],
    });
    this.duration = new Histogram({
      ...fresh('ai_gateway_request_duration_seconds'),
      help: 'Gateway calls from arrival to the end of the answer (the whole stream for a stream), fallbacks included',
      labelNames: ['provider', 'model'],
      buckets: SECONDS,
    });
    this.timeToFirstToken = new Histogram({
      ...fresh('ai_gateway_time_to_first_token_seconds'),
      help: 'Streamed gateway calls from arrival to the first output chunk, fallbacks included',
      labelNames: ['provider', 'model'],
      buckets: SECONDS,
    });
    this.tokens = new Counter({
      ...fresh('ai_gateway_tokens_total'),
      help: 'Tokens of gateway calls as the providers reported them, by direction (input, output)',
      labelNames: ['provider', 'model', 'direction'],
    });
    this.fallbacks = new Counter({
      ...fresh('ai_gateway_fallbacks_total'),
      help: 'Failed attempts after which a gateway call moved on to the next candidate, by the failed provider, model and outcome',
      labelNames: ['provider', 'model', 'outcome'],
    });
  }

  answered(
    provider: string,
    model: string,
    result: GatewayResult,
    seconds: number,
    tokens: { inputTokens?: number; outputTokens?: number },
  ): void {
    const labels = this.labels(provider, model);
    this.requests.inc({ ...labels, result });
    this.duration.observe(labels, seconds);
    if (tokens.inputTokens) this.tokens.inc({ ...labels, direction: 'input' }, tokens.inputTokens);
    if (tokens.outputTokens) this.tokens.inc({ ...labels, direction: 'output' }, tokens.outputTokens);
  }

  firstToken(provider: string, model: string, seconds: number): void {
    this.timeToFirstToken.observe(this.labels(provider, model), seconds);
  }

  fellBack(failed: readonly FallbackAttempt[]): void {
    for (const attempt of failed) {
      this.fallbacks.inc({ ...this.labels(attempt.provider, attempt.model), outcome: attempt.outcome ?? 'not_tried' });
    }
  }

  notAnswered(reason: GatewayUnanswered): void {
    this.unanswered.inc({ reason });
  }

  private labels(provider: string, model: string): { provider: string; model: string } {
    const label = this.metrics.provider(provider);
    return { provider: label, model: label === OTHER_PROVIDER ? OTHER_PROVIDER : model };
  }
}
