import { Inject, Injectable } from '@nestjs/common';
import { nestsDeeperThan } from '../../common/json-guard/json-depth';
import type { Attempt } from '../calls/plan-walker';
import { PlanWalker } from '../calls/plan-walker';
import { CallConnections } from '../calls/call-connections';
import { judgeStatus } from '../calls/call-outcome';
import { UpstreamStatusError } from '../calls/upstream.errors';
import { redact } from '../health/probes/probe-detail';
import { RegistrySettings } from '../kernel/registry-settings';
import { REGISTRY_SETTINGS } from '../kernel/registry-tokens';
import { listAvailableModels } from '../snapshot/availability';
import type { ModelType } from '../snapshot/registry-snapshot';
import { RegistryStateService } from '../snapshot/registry-state.service';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { Admission } from '../key-limits/admission';
import { KeyLimitsService } from '../key-limits/key-limits.service';
import { inputTokenBound, MAX_OUTPUT_FIELDS, requestedMaxOutput } from '../key-limits/key-limits.rules';
import { ModelSelectionService } from '../selection/model-selection.service';
import type { ModelTarget } from '../selection/plan-model';
import { NoAvailableProviderError } from '../selection/selection.errors';
import type { SelectionPlan } from '../selection/selection.types';
import { ANTHROPIC_WIRE } from './anthropic-wire';
import { isObject } from './anthropic/guards';
import { CallWatch } from './call-watch';
import { readToFirstFrames, relayStream } from './chat-stream';
import { withoutEchoedKey } from './echoed-key';
import { GatewayObservers } from './gateway-observers';
import { GatewayTracing } from './gateway-tracing';
import { GatewayRequestError, ModelNotAllowedError } from './gateway.errors';
import type { AnswerOrigin, GatewayAnswer, GatewayCall, GatewayModel, JsonAnswer } from './gateway.types';
import { OPENAI_EMBEDDINGS, OPENAI_WIRE } from './openai-wire';
import { sseEvents } from './sse-events';
import { postUpstream, readBounded, UpstreamResponse } from './upstream-http';
import type { ChatWire } from './upstream-wire';

/** The model name that leaves the choice to the registry (its selection for the request's type). */
export const AUTO_MODEL = 'auto';

/**
 * Deeper than any message or tool schema needs: the body is serialized (and translated) for the
 * upstream by code that recurses, which a body nested thousands deep would take past the stack.
 */
const MAX_BODY_DEPTH = 64;

/**
 * The OpenAI-compatible gateway's work, behind whatever HTTP edge serves it: which candidates may
 * answer (the model named, or the registry's selection, less what the consumer key may not use),
 * the plan walk with its fallback rules (shared with the in-process adapter), the upstream call in
 * its wire format, and what each attempt leaves behind (usage, passive health). No query per call:
 * selection reads the snapshot, connections and keys are resolved once per provider state.
 */
@Injectable()
export class GatewayService {
  constructor(
    private readonly selection: ModelSelectionService,
    private readonly walker: PlanWalker,
    private readonly connections: CallConnections,
    private readonly state: RegistryStateService,
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
    private readonly metrics: GatewayMetrics,
    private readonly observers: GatewayObservers,
    private readonly limits: KeyLimitsService,
    private readonly tracing: GatewayTracing,
  ) {}

  chatCompletions(call: GatewayCall): Promise<GatewayAnswer> {
    return this.watched(call, 'chat', (watch) => this.chat(call, watch));
  }

  embeddings(call: GatewayCall): Promise<GatewayAnswer> {
    return this.watched(call, 'embeddings', (watch) => this.embed(call, watch));
  }

  private async chat(call: GatewayCall, watch: CallWatch): Promise<GatewayAnswer> {
    const body = requestObject(call.body);
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      throw new GatewayRequestError('messages', 'messages must be a non-empty array of chat messages');
    }
    const notMessage = body.messages.findIndex((message) => !isObject(message));
    if (notMessage !== -1) throw new GatewayRequestError(`messages[${notMessage}]`, 'each message must be a JSON object');
    for (const field of MAX_OUTPUT_FIELDS) {
      // Read by the registry itself (a key's token limits reserve a positive one), so its type is checked
      // here; its range is the upstream's (some local servers take -1 for no limit).
      const value = body[field];
      if (value !== undefined && value !== null && !Number.isInteger(value))
        throw new GatewayRequestError(field, `${field} must be an integer`);
    }
    if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
      throw new GatewayRequestError('stream', 'stream must be true or false');
    }
    const stream = body.stream === true;
    watch.asked(body.model, stream);
    const includeUsage = stream && isObject(body.stream_options) && body.stream_options.include_usage === true;
    const plan = this.plan('text', body, call);
    const admission = await this.admit(call, plan, body, requestedMaxOutput(body));
    return this.limited(
      admission,
      this.walker.walkPlan(
        'text',
        plan,
        call.signal,
        watch.traced((attempt) => {
          const wire = attempt.connection.endpoint.wire === 'anthropic' ? ANTHROPIC_WIRE : OPENAI_WIRE;
          const request = wire.chatRequest(body, attempt.candidate.model, stream);
          if ('refused' in request) throw new GatewayRequestError(request.refused.param, request.refused.message);
          return this.send(attempt, wire, request.path, request.body, async (response) => {
            if (!stream) return this.jsonAnswer(attempt, wire, response);
            const relay = wire.streamRelay({ model: attempt.candidate.model, includeUsage });
            const events = sseEvents(response.body);
            const first = await readToFirstFrames(relay, events, attempt.connection.apiKey);
            watch.firstChunk(attempt.candidate.provider, attempt.candidate.model);
            const origin = originOf(attempt);
            const ended = (result: 'success' | 'stream_error' | 'cancelled', tokens: { inputTokens?: number; outputTokens?: number }) => {
              watch.streamEnded(origin, result, tokens);
              // Priced from the stream's own usage; a stream that ended without it keeps its reservation.
              admission?.settle({ provider: origin.provider, model: origin.model, ...tokens });
            };
            const idleTimeoutMs = this.settings.streamIdleTimeoutMs;
            const frames = relayStream({ attempt, relay, events, first, idleTimeoutMs, body: response.body, ended });
            return { kind: 'stream', frames, origin };
          });
        }),
        call.consumerKeyId,
      ),
    );
  }

  private async embed(call: GatewayCall, watch: CallWatch): Promise<GatewayAnswer> {
    const body = requestObject(call.body);
    watch.asked(body.model, false);
    if (!isEmbeddingInput(body.input)) {
      throw new GatewayRequestError('input', 'input must be a non-empty string, an array of strings, or an array of token arrays');
    }
    const plan = this.plan('embedding', body, call);
    const admission = await this.admit(call, plan, body, 0);
    return this.limited(
      admission,
      this.walker.walkPlan(
        'embedding',
        plan,
        call.signal,
        watch.traced((attempt) =>
          this.send(attempt, OPENAI_WIRE, '/embeddings', JSON.stringify({ ...body, model: attempt.candidate.model }), (response) =>
            this.jsonAnswer(attempt, OPENAI_EMBEDDINGS, response),
          ),
        ),
        call.consumerKeyId,
      ),
    );
  }

  /**
   * Admits the call within its consumer key's limits (KeyLimitExceededError when a limit refuses),
   * reserving its worst case over every candidate that may answer; null for a key without limits.
   * The input's bound is worked out only for a key with limits: it serializes the whole prompt.
   */
  private async admit(
    call: GatewayCall,
    plan: SelectionPlan,
    body: Record<string, unknown>,
    maxOutput: number | null,
  ): Promise<Admission | null> {
    const consumer = this.limits.limited(call.consumerKeyId);
    if (!consumer) return null;
    return this.limits.admit(consumer, this.limits.estimate(plan.candidates, inputTokenBound(body), maxOutput));
  }

  /**
   * The walk's answer with the key's rate headers; the admission settled when the call ends: a JSON
   * answer at once (its tokens, or nothing for an upstream's refusal), a stream when it ends, a walk
   * that failed with nothing to pay.
   */
  private limited(admission: Admission | null, walk: Promise<GatewayAnswer>): Promise<GatewayAnswer> {
    return admission ? this.settled(admission, walk) : walk;
  }

  private async settled(admission: Admission, walk: Promise<GatewayAnswer>): Promise<GatewayAnswer> {
    let answer: GatewayAnswer;
    try {
      answer = await walk;
    } catch (error) {
      admission.settle('nothing');
      throw error;
    }
    if (answer.kind === 'json') {
      const { provider, model } = answer.origin;
      admission.settle(answer.status >= 400 ? 'nothing' : { provider, model, ...answer.tokens });
    }
    return { ...answer, limitHeaders: admission.headers };
  }

  /** The key's x-ratelimit-* headers as they stand, for an answer that is not the walk's (an error); none without rate limits. */
  rateHeaders(consumerKeyId: string): Record<string, string> {
    const consumer = this.limits.limited(consumerKeyId);
    return consumer ? this.limits.headersOf(consumer) : {};
  }

  /** The models a caller may name right now: every model of an available provider it may use, as provider/model. */
  models(mayUse: GatewayCall['mayUse']): GatewayModel[] {
    return listAvailableModels(this.state.current())
      .filter(({ provider, model }) => mayUse(provider, model))
      .map(({ provider, model, modelType }) => ({ id: `${provider}/${model}`, provider, model, type: modelType }));
  }

  /**
   * Runs the call under its CallWatch: what it leaves in the metrics, tells the observers and (when
   * on) traces; for a JSON answer once it was delivered, for a stream as it ends.
   */
  private async watched(
    call: GatewayCall,
    kind: 'chat' | 'embeddings',
    run: (watch: CallWatch) => Promise<GatewayAnswer>,
  ): Promise<GatewayAnswer> {
    const trace = this.tracing.tracer === null ? null : this.tracing.tracer.startCall(kind, call);
    const watch = new CallWatch(kind, call.consumerKeyId, call.signal, this.metrics, this.observers, trace);
    try {
      const answer = await run(watch);
      if (answer.kind === 'stream') {
        watch.answered(answer);
        return answer;
      }
      const recorded = answer.delivered;
      let done = false;
      const delivered = () => {
        if (done) return;
        done = true;
        recorded();
        watch.answered(answer);
      };
      // A caller that never says it delivered (a host calling the service itself) loses nothing: the
      // accounting runs once this turn's work is done, after an edge that does say so has written.
      process.nextTick(delivered);
      return { ...answer, delivered };
    } catch (error) {
      watch.failed(error);
      throw error;
    }
  }

  /** The candidates that may answer, in order: the model the body names, or the registry's choice for `auto`. */
  private plan(modelType: ModelType, body: Record<string, unknown>, call: GatewayCall): SelectionPlan {
    const model = body.model;
    if (typeof model !== 'string' || model.trim() === '') {
      throw new GatewayRequestError('model', `model must be "${AUTO_MODEL}", a model id, or provider/model`);
    }
    // What the key may not use is neither tried nor named in an error: a key limited to some models
    // does not learn of the others, or of their state.
    const mayUse = ({ provider, model }: { provider: string; model: string | null }) => call.mayUse(provider, model ?? '');
    let plan: SelectionPlan;
    try {
      plan =
        model === AUTO_MODEL
          ? this.selection.plan({ modelType, operation: call.operation })
          : this.selection.planModel(modelType, this.targetOf(model));
    } catch (error) {
      if (!(error instanceof NoAvailableProviderError)) throw error;
      throw new NoAvailableProviderError(
        error.modelType,
        error.skipped.filter((skipped) => mayUse(skipped.candidate)),
        error.operation,
      );
    }
    const allowed = plan.candidates.filter(mayUse);
    const skipped = plan.skipped.filter((skipped) => mayUse(skipped.candidate));
    if (allowed.length === 0) {
      // Every key may ask for `auto`: when the models of it the key may use are all passed over right
      // now, that is the registry's state (503, with why for each); when auto names none of them, 403.
      if (model === AUTO_MODEL && skipped.length > 0) throw new NoAvailableProviderError(modelType, skipped, call.operation);
      throw new ModelNotAllowedError(model);
    }
    return { candidates: allowed, skipped };
  }

  /**
   * `provider/model` when the part before the first slash is a provider of the registry; otherwise the
   * whole name is a model id (which may itself hold slashes, as OpenRouter's `openai/gpt-4o` does).
   */
  private targetOf(name: string): ModelTarget {
    const slash = name.indexOf('/');
    if (slash > 0 && this.state.current().providers.has(name.slice(0, slash))) {
      return { provider: name.slice(0, slash), model: name.slice(slash + 1) };
    }
    return { model: name };
  }

  /**
   * Sends one attempt and hands a 2xx to `answer`. A status worth another candidate (5xx, 429, 401,
   * 403, 408) is thrown for the walk to judge; any other 4xx is the request's fault and goes back to
   * the client as the upstream wrote it (in OpenAI's shape), the key removed.
   */
  private async send(
    attempt: Attempt,
    wire: ChatWire,
    path: string,
    body: string,
    answer: (response: UpstreamResponse) => Promise<GatewayAnswer>,
  ): Promise<GatewayAnswer> {
    const { endpoint, apiKey } = attempt.connection;
    const response = await postUpstream(
      this.connections.dispatcher,
      `${endpoint.baseURL}${path}`,
      wire.headers(apiKey),
      body,
      attempt.signal,
    );
    if (response.statusCode < 400) {
      try {
        return await answer(response);
      } catch (error) {
        response.body.destroy(); // what was not read is not waited for: the socket goes
        throw error;
      }
    }
    const text = await readBounded(response.body);
    if (judgeStatus(response.statusCode).retryable) {
      throw new UpstreamStatusError(response.statusCode, text, headerOf(response, 'content-type'));
    }
    attempt.signal.dispose();
    const relayed = wire.clientError(response.statusCode, redact(text, apiKey ? [apiKey] : []));
    const delivered = attempt.recordLater(undefined);
    return { kind: 'json', status: relayed.status, body: relayed.body, origin: originOf(attempt), tokens: {}, delivered };
  }

  private async jsonAnswer(attempt: Attempt, wire: Pick<ChatWire, 'chatAnswer'>, response: UpstreamResponse): Promise<JsonAnswer> {
    const text = await response.body.text();
    const { body, tokens } = wire.chatAnswer(text, attempt.candidate.model);
    attempt.signal.dispose();
    const delivered = attempt.recordLater('success', tokens); // the provider's time, not ours writing the answer
    return {
      kind: 'json',
      status: 200,
      body: withoutEchoedKey(body, attempt.connection.apiKey),
      origin: originOf(attempt),
      tokens,
      delivered,
    };
  }
}

function originOf(attempt: Attempt): AnswerOrigin {
  return {
    provider: attempt.candidate.provider,
    model: attempt.candidate.model,
    attempts: attempt.report.failed.length + 1,
    report: attempt.report,
  };
}

function requestObject(body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw new GatewayRequestError(null, 'the request body must be a JSON object');
  if (nestsDeeperThan(body, MAX_BODY_DEPTH)) {
    throw new GatewayRequestError(null, `the request body nests objects and arrays more than ${MAX_BODY_DEPTH} levels deep`);
  }
  return body;
}

function isEmbeddingInput(input: unknown): boolean {
  if (typeof input === 'string') return input !== '';
  if (!Array.isArray(input) || input.length === 0) return false;
  return input.every(
    (item) => typeof item === 'string' || typeof item === 'number' || (Array.isArray(item) && item.every((n) => typeof n === 'number')),
  );
}

function headerOf(response: UpstreamResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
