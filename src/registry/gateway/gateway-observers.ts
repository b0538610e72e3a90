import { Injectable, Logger } from '@nestjs/common';
import type { FailedAttempt } from '../calls/call-report';
import type { GatewayResult, GatewayUnanswered } from '../metrics/gateway-metrics';

/** One gateway call as it ended: what was asked, who answered, how, and what it took. Never a prompt, an answer or a key. */
export interface GatewayCallRecord {
  startedAt: Date;
  kind: 'chat' | 'embeddings';
  consumerKeyId: string | null;
  /** The `model` the request named (`auto`, a model id, provider/model); null when it named none. */
  modelAsked: string | null;
  stream: boolean;
  /** Who answered; null when nobody did. */
  provider: string | null;
  model: string | null;
  result: GatewayResult | GatewayUnanswered;
  /** The upstream's status for an answer (200, or its 4xx passed back); null when nobody answered. */
  upstreamStatus: number | null;
  /** The registry's error code when nobody answered (NO_AVAILABLE_PROVIDER, UNKNOWN_MODEL, …). */
  errorCode: string | null;
  /** Attempts before the one that answered (or every attempt, when none did), each with why it failed. */
  failedAttempts: readonly FailedAttempt[];
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number;
  /** Streams: from arrival to the first output chunk. */
  timeToFirstTokenMs: number | null;
}

export interface GatewayObserver {
  /** Called once per call, synchronously on the call's path: keep it cheap (buffer, count), never throw. */
  callEnded(record: GatewayCallRecord): void;
}

/**
 * Who hears of every gateway call when it ends (the request log, tracing): registered at start by the
 * parts that want it, so the gateway knows none of them. A failing observer is logged, never the call's failure.
 */
@Injectable()
export class GatewayObservers {
  private readonly logger = new Logger(GatewayObservers.name);
  private readonly observers: GatewayObserver[] = [];

  add(observer: GatewayObserver): void {
    this.observers.push(observer);
  }

  callEnded(record: GatewayCallRecord): void {
    for (const observer of this.observers) {
      try {
        observer.callEnded(record);
      } catch (error) {
        this.logger.warn(`A gateway observer failed: ${(error as Error).message}`);
      }
    }
  }
}
