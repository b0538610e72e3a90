import { Injectable } from '@nestjs/common';
import type { Attempt } from '../calls/plan-walker';
import type { GatewayCallRecord } from './gateway-observers';
import type { GatewayAnswer, GatewayCall } from './gateway.types';

/** Sends one attempt at one candidate and hands back its answer (what the plan walk runs per candidate). */
export type SendAttempt = (attempt: Attempt) => Promise<GatewayAnswer>;

/** One gateway call's trace: a span around each upstream attempt, then the call's end. Never throws. */
export interface CallTrace {
  /** Runs `send` for `attempt` inside a span of its own, a child of the call's. */
  attempt(attempt: Attempt, send: SendAttempt): Promise<GatewayAnswer>;
  /** The call ended as `record` says (the record the observers get): its span, and a stream's attempt span, end here. */
  ended(record: GatewayCallRecord): void;
}

export interface GatewayTracer {
  /** A call arrived (its span starts now, under the caller's traceparent when it sent one). */
  startCall(kind: 'chat' | 'embeddings', call: GatewayCall): CallTrace;
}

/**
 * Where the gateway finds its tracer, set at start by whoever exports traces (src/registry/tracing),
 * so the gateway knows nothing of OpenTelemetry. Null while tracing is off: then a call's only cost is
 * checking it (no span, no object, no SDK loaded).
 */
@Injectable()
export class GatewayTracing {
  tracer: GatewayTracer | null = null;
}
