import { type Context, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { Attempt } from '../calls/plan-walker';
import type { GatewayCallRecord } from '../gateway/gateway-observers';
import type { CallTrace, SendAttempt } from '../gateway/gateway-tracing';
import type { GatewayAnswer, JsonAnswer } from '../gateway/gateway.types';
import {
  attemptErrorType,
  attemptStartAttributes,
  callEndAttributes,
  GEN_AI,
  GenAiOperation,
  isFailure,
  REGISTRY,
  spanName,
  STABLE,
  tokenAttributes,
} from './genai-attributes';

/** Who is calling and how, as the call's span names it: the consumer key's id and name (never the key), the catalog operation. */
export interface CallFacts {
  keyId: string | undefined;
  keyName: string | undefined;
  /** X-Registry-Operation: a name from the catalog. */
  operation: string | undefined;
}

/**
 * One gateway call's spans: the call's own (SERVER, a child of the caller's traceparent when it sent
 * one), and one CLIENT span per upstream attempt under it. A failed attempt's span ends when it fails;
 * a JSON answer's when it is read; a stream's when the stream ends (the call's end), since the tokens
 * and whether it finished are known only then.
 *
 * Nothing here may break a call: the API's spans do not throw, and what we compute is guarded.
 */
export class CallSpan implements CallTrace {
  private readonly span: Span;
  private readonly context: Context;
  /** The attempt whose stream is being relayed: it ends with the call. */
  private streaming: Span | null = null;
  /**
   * Every time of the call's spans is read from one clock: the SDK anchors each span to Date.now() on
   * its own, so spans a fraction of a millisecond apart could come out in the wrong order (an attempt
   * ending after its call). Anchored once per call, so a long uptime's drift is not carried along.
   */
  private readonly epochMinusMonotonic = Date.now() - performance.now();

  constructor(
    private readonly tracer: Tracer,
    private readonly operation: GenAiOperation,
    parent: Context,
    facts: CallFacts,
  ) {
    this.span = tracer.startSpan(
      operation,
      { kind: SpanKind.SERVER, attributes: { [GEN_AI.operation]: operation }, startTime: this.now() },
      parent,
    );
    if (facts.keyId !== undefined) this.span.setAttribute(REGISTRY.consumerKeyId, facts.keyId);
    if (facts.keyName !== undefined) this.span.setAttribute(REGISTRY.consumerKeyName, facts.keyName);
    if (facts.operation !== undefined) this.span.setAttribute(REGISTRY.operation, facts.operation);
    this.context = trace.setSpan(parent, this.span);
  }

  attempt(attempt: Attempt, send: SendAttempt): Promise<GatewayAnswer> {
    const span = this.tracer.startSpan(
      spanName(this.operation, attempt.candidate.model),
      { kind: SpanKind.CLIENT, attributes: safely(() => attemptStartAttributes(this.operation, attempt)), startTime: this.now() },
      this.context,
    );
    let answer: Promise<GatewayAnswer>;
    try {
      answer = send(attempt);
    } catch (error) {
      failed(span, error, attempt, this.now());
      throw error;
    }
    return answer.then(
      (answered) => {
        if (answered.kind === 'stream') this.streaming = span;
        else answeredJson(span, answered, this.now());
        return answered;
      },
      (error: unknown) => {
        failed(span, error, attempt, this.now());
        throw error;
      },
    );
  }

  ended(record: GatewayCallRecord): void {
    try {
      if (this.streaming) this.endStream(this.streaming, record);
      this.streaming = null;
      this.span.updateName(spanName(this.operation, record.modelAsked));
      this.span.setAttributes(callEndAttributes(record));
      if (isFailure(record.result)) this.span.setStatus({ code: SpanStatusCode.ERROR });
    } catch {
      // A surprise here costs attributes, never the call (this runs on its path).
    } finally {
      // Ended whatever happened above: a span never ended is never exported.
      this.span.end(this.now());
    }
  }

  /** Epoch milliseconds, fractions kept (the SDK takes them as such). */
  private now(): number {
    return this.epochMinusMonotonic + performance.now();
  }

  /** The relayed stream's attempt ends with the call: the stream's own usage, and how it ended. */
  private endStream(span: Span, record: GatewayCallRecord): void {
    span.setAttributes(tokenAttributes(record.inputTokens, record.outputTokens));
    if (record.upstreamStatus !== null) span.setAttribute(STABLE.httpStatus, record.upstreamStatus);
    if (record.model !== null) span.setAttribute(GEN_AI.responseModel, record.model);
    if (record.result !== 'success') span.setAttribute(STABLE.errorType, record.result);
    if (isFailure(record.result)) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(this.now());
  }
}

/** A JSON answer ends its attempt: tokens and status, or the upstream's 4xx passed back (the caller's fault, no ERROR status). */
function answeredJson(span: Span, answer: JsonAnswer, end: number): void {
  span.setAttribute(STABLE.httpStatus, answer.status);
  if (answer.status >= 400) {
    span.setAttribute(STABLE.errorType, String(answer.status));
  } else {
    span.setAttribute(GEN_AI.responseModel, answer.origin.model);
    span.setAttributes(tokenAttributes(answer.tokens.inputTokens, answer.tokens.outputTokens));
  }
  span.end(end);
}

/** An attempt that threw: its error's type (never its message, which may quote the upstream), and ERROR unless the caller left. */
function failed(span: Span, error: unknown, attempt: Attempt, end: number): void {
  const type = safely(() => attemptErrorType(error, attempt), '_OTHER');
  span.setAttribute(STABLE.errorType, type);
  if (/^\d{3}$/.test(type)) span.setAttribute(STABLE.httpStatus, Number(type));
  if (type !== 'cancelled') span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(end);
}

/** What we compute for a span never fails the call: a surprise costs attributes, not the answer. */
function safely<T>(compute: () => T, fallback?: T): T {
  try {
    return compute();
  } catch {
    return fallback ?? ({} as T);
  }
}
