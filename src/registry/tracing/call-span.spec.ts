import { ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { UpstreamStatusError } from '../calls/upstream.errors';
import { GatewayRequestError } from '../gateway/gateway.errors';
import type { GatewayAnswer, JsonAnswer, StreamAnswer } from '../gateway/gateway.types';
import { fakeAttempt, fakeRecord } from './__fixtures__/fake-attempt';
import { CallSpan } from './call-span';

describe(CallSpan.name, () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('test');
  const facts = { keyId: '7', keyName: 'checkout-svc', operation: undefined };

  afterEach(() => exporter.reset());
  afterAll(() => provider.shutdown());

  const origin = { provider: 'anthropic', model: 'claude-haiku-4-5', attempts: 1, report: {} as never };
  const json = (status = 200): JsonAnswer => ({
    kind: 'json',
    status,
    body: '{}',
    origin,
    tokens: status < 400 ? { inputTokens: 11, outputTokens: 3 } : {},
    delivered: () => undefined,
  });
  const stream = (): StreamAnswer => ({ kind: 'stream', frames: (async function* () {})(), origin });
  const spans = () => exporter.getFinishedSpans();
  const named = (name: string) => spans().filter((s) => s.name === name);
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  it('a JSON answer: the call’s SERVER span, its attempt a CLIENT child ending with the answer’s tokens', async () => {
    const call = new CallSpan(tracer, 'chat', ROOT_CONTEXT, facts);
    await call.attempt(fakeAttempt(), () => Promise.resolve<GatewayAnswer>(json()));
    expect(named('chat claude-haiku-4-5')).toHaveLength(1);
    call.ended(fakeRecord());

    const [attempt, whole] = spans();
    expect(whole).toMatchObject({ name: 'chat auto', kind: SpanKind.SERVER });
    expect(whole.attributes).toMatchObject({ 'registry.consumer_key.id': '7', 'registry.consumer_key.name': 'checkout-svc' });
    expect(attempt.kind).toBe(SpanKind.CLIENT);
    expect(parentOf(attempt)).toBe(whole.spanContext().spanId);
    expect(attempt.spanContext().traceId).toBe(whole.spanContext().traceId);
    expect(attempt.attributes).toMatchObject({
      'gen_ai.response.model': 'claude-haiku-4-5',
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 3,
      'http.response.status_code': 200,
    });
    expect(attempt.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('a failed attempt ends at once with its error.type and ERROR, and the error goes on to the walk unchanged', async () => {
    const call = new CallSpan(tracer, 'chat', ROOT_CONTEXT, facts);
    const refusal = new UpstreamStatusError(500, 'down', undefined);
    await expect(call.attempt(fakeAttempt(), () => Promise.reject(refusal))).rejects.toBe(refusal);
    const [failed] = spans();
    expect(failed.attributes).toMatchObject({ 'error.type': '500', 'http.response.status_code': 500 });
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);

    const thrown = new GatewayRequestError('n', 'n must be 1');
    expect(() =>
      call.attempt(fakeAttempt(), () => {
        throw thrown;
      }),
    ).toThrow(thrown);
    expect(spans()[1].attributes['error.type']).toBe('INVALID_GATEWAY_REQUEST'); // a domain error's code

    await expect(
      call.attempt(fakeAttempt({ signal: { callerAborted: true } }), () => Promise.reject(new Error('aborted'))),
    ).rejects.toThrow();
    expect(spans()[2].attributes['error.type']).toBe('cancelled');
    expect(spans()[2].status.code).toBe(SpanStatusCode.UNSET);
  });

  it('an upstream’s 4xx passed back is the caller’s: error.type, no ERROR', async () => {
    const call = new CallSpan(tracer, 'chat', ROOT_CONTEXT, facts);
    await call.attempt(fakeAttempt(), () => Promise.resolve<GatewayAnswer>(json(400)));
    expect(spans()[0].attributes).toMatchObject({ 'error.type': '400', 'http.response.status_code': 400 });
    expect(spans()[0].attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(spans()[0].status.code).toBe(SpanStatusCode.UNSET);
  });

  it('a stream’s attempt stays open until the stream ends, then carries its usage (and ERROR when it broke)', async () => {
    const call = new CallSpan(tracer, 'chat', ROOT_CONTEXT, facts);
    await call.attempt(fakeAttempt(), () => Promise.resolve<GatewayAnswer>(stream()));
    expect(spans()).toHaveLength(0);
    call.ended(fakeRecord({ stream: true, result: 'stream_error', inputTokens: 11, outputTokens: 1 }));

    const [attempt, whole] = spans();
    expect(parentOf(attempt)).toBe(whole.spanContext().spanId);
    expect(attempt.attributes).toMatchObject({ 'gen_ai.usage.output_tokens': 1, 'error.type': 'stream_error' });
    expect(attempt.status.code).toBe(SpanStatusCode.ERROR);
    expect(whole.status.code).toBe(SpanStatusCode.ERROR);
    expect(whole.attributes).toMatchObject({ 'error.type': 'stream_error', 'registry.result': 'stream_error' });
  });

  it('a call nobody answered: only its own span, the reason in error.type', () => {
    const call = new CallSpan(tracer, 'embeddings', ROOT_CONTEXT, { keyId: undefined, keyName: undefined, operation: 'summarize' });
    call.ended(
      fakeRecord({
        kind: 'embeddings',
        modelAsked: 'gpt-nope',
        provider: null,
        model: null,
        result: 'unknown_model',
        errorCode: 'UNKNOWN_MODEL',
      }),
    );
    const [whole] = spans();
    expect(whole.name).toBe('embeddings gpt-nope');
    expect(whole.attributes).toMatchObject({
      'error.type': 'UNKNOWN_MODEL',
      'registry.operation': 'summarize',
      'gen_ai.operation.name': 'embeddings',
    });
    expect(whole.attributes['registry.consumer_key.id']).toBeUndefined();
    expect(whole.status.code).toBe(SpanStatusCode.UNSET);
  });
});
