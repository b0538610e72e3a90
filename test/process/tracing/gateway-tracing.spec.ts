import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeProvider, FakeProviderServer, keyLeaks } from '../../support/fake-provider-server';
import { ADMIN_TOKEN, startInstance, stopInstance } from '../../support/instances';
import { OTLP_SPAN_KIND, OTLP_STATUS, OtlpReceiver, ReceivedSpan } from '../../support/otlp-receiver';
import { RunningProcess, startServer } from '../../support/server-process';
import { createTestDatabase, onRealPostgres, TestDatabase } from '../../support/test-database';

const KEYS = {
  openai: 'sk-proj-Ot7Lq2Wm9Xc4Vb8Nz1Kd6Hf3Jg5Rt0Ye',
  anthropic: 'sk-ant-api03-Ot4Qw8Er2Ty6Ui1Op5As9Df3Gh7Jk',
};
const PROMPT = 'Trace-me-not: the secret plans of the llama';
const COLLECTOR_TOKEN = 'otlp-collector-token-4f1c';

/** Trace and span ids are random hex: taken out before the brute-force key search, which reads hex too. */
function withoutIds(payload: string): string {
  return payload.replace(/"[0-9a-f]{16}(?:[0-9a-f]{16})?"/g, '""');
}

interface Server {
  url: string;
  process: RunningProcess;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
  db?: TestDatabase;
  dataDir?: string;
}

/**
 * Our server as a real process (the OTLP exporter is only itself outside jest's module sandbox): on the
 * test's PostgreSQL when there is one, else on the embedded default; traces to `env`'s collector.
 */
async function startOurServer(env: Record<string, string>): Promise<Server> {
  const all = { BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'info', HEALTH_CHECK_INTERVAL_MS: '0', ...env };
  if (onRealPostgres) {
    const db = await createTestDatabase();
    const instance = await startInstance({ databaseUrl: db.url, env: all });
    return { url: instance.url, process: instance, stop: () => stopInstance(instance), db };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-tracing-'));
  const server = await startServer(dataDir, all);
  return {
    url: `http://127.0.0.1:${server.port}`,
    process: server,
    stop: async () => {
      server.child.kill('SIGTERM');
      return server.exited;
    },
    dataDir,
  };
}

describe('OpenTelemetry traces of gateway calls (OTEL_EXPORTER_OTLP_ENDPOINT), from a running server', () => {
  const fakes = new FakeProviderServer();
  const receiver = new OtlpReceiver();
  let server: Server | undefined;
  let stopped = false;
  let openai: FakeProvider;
  let anthropic: FakeProvider;
  let consumerKey: string;

  async function api(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${server!.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  function chat(body: object, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${server!.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${consumerKey}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  beforeAll(async () => {
    await fakes.start();
    await receiver.start();
    openai = fakes.add('otel-openai', { kind: 'openai', apiKey: KEYS.openai });
    anthropic = fakes.add('otel-anthropic', { kind: 'anthropic', apiKey: KEYS.anthropic });
    server = await startOurServer({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'llm-gateway-test',
      OTEL_EXPORTER_OTLP_HEADERS: `x-collector-token=${COLLECTOR_TOKEN}`,
    });
    for (const [provider, fake] of [
      ['openai', openai],
      ['anthropic', anthropic],
    ] as const) {
      expect((await api('POST', `/api/providers/${provider}/credentials`, { apiKey: KEYS[provider], baseUrl: fake.baseUrl })).status).toBe(
        201,
      );
    }
    const created = await api('POST', '/api/keys', { name: 'checkout-svc' });
    expect(created.status).toBe(201);
    consumerKey = created.body.data.key;
  }, 120_000);

  afterAll(async () => {
    if (!stopped) await server?.stop();
    await server?.db?.drop();
    if (server?.dataDir) fs.rmSync(server.dataDir, { recursive: true, force: true });
    await receiver.close();
    await fakes.close();
  });

  it('a call that falls back: its span under the caller’s traceparent, one child span per attempt, GenAI attributes, nothing secret', async () => {
    expect(server!.process.output()).toContain(`OpenTelemetry: gateway calls traced, spans exported over OTLP/HTTP to ${receiver.url}/`);
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    openai.setMode('server_error');
    const fellBack = await chat(
      { model: 'auto', messages: [{ role: 'user', content: PROMPT }] },
      { traceparent: `00-${traceId}-${callerSpanId}-01`, tracestate: 'vendor=abc' },
    );
    expect(fellBack.status).toBe(200);
    await fellBack.text();
    expect(fellBack.headers.get('x-registry-provider')).toBe('anthropic');
    expect(fellBack.headers.get('x-registry-attempts')).toBe('2');

    openai.setMode('ok');
    const streamed = await chat({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: PROMPT }] });
    expect(streamed.status).toBe(200);
    expect(await streamed.text()).toContain('[DONE]');

    // The batch waits 5 s: the spans go at shutdown (SIGTERM), before the process exits.
    stopped = true;
    expect(await server!.stop()).toBe(0);

    const spans = receiver.spans();
    expect(receiver.requests.length).toBeGreaterThan(0);
    for (const { path, contentType, headers } of receiver.requests) {
      expect([path, contentType, headers['x-collector-token']]).toEqual(['/v1/traces', 'application/json', COLLECTOR_TOKEN]);
    }
    expect(spans).toHaveLength(5);

    // The call that fell back: continued from the caller's trace, its span the parent of both attempts.
    const inTrace = spans.filter((s) => s.traceId === traceId);
    expect(inTrace).toHaveLength(3);
    const call = inTrace.find((s) => s.kind === OTLP_SPAN_KIND.server)!;
    expect(call).toMatchObject({
      name: 'chat auto',
      parentSpanId: callerSpanId,
      statusCode: OTLP_STATUS.unset,
      scope: 'ai-provider-registry/gateway',
    });
    expect(call.resource['service.name']).toBe('llm-gateway-test'); // OTEL_SERVICE_NAME, read by the SDK
    expect(call.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'auto',
      'gen_ai.response.model': 'claude-haiku-4-5',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.system': 'anthropic',
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 3,
      'registry.provider': 'anthropic',
      'registry.consumer_key.name': 'checkout-svc',
      'registry.result': 'success',
      'registry.attempts': 2,
      'registry.stream': false,
      'http.response.status_code': 200,
    });
    expect(call.attributes['registry.fallback.reasons']).toEqual([expect.stringMatching(/^openai\/gpt-4o-mini: HTTP 500/)]);
    expect(call.attributes['error.type']).toBeUndefined();

    const attempts = inTrace.filter((s) => s.kind === OTLP_SPAN_KIND.client).sort(byStart);
    expect(attempts.map((s) => [s.name, s.parentSpanId])).toEqual([
      ['chat gpt-4o-mini', call.spanId],
      ['chat claude-haiku-4-5', call.spanId],
    ]);
    const [failed, answered] = attempts;
    expect(failed.statusCode).toBe(OTLP_STATUS.error);
    expect(failed.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.provider.name': 'openai',
      'registry.provider': 'openai',
      'registry.attempt.number': 1,
      'error.type': '500',
      'http.response.status_code': 500,
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(fakes.url).port),
    });
    expect(failed.attributes['registry.fallback.reason']).toBeUndefined();
    expect(answered.statusCode).toBe(OTLP_STATUS.unset);
    expect(answered.attributes).toMatchObject({
      'gen_ai.request.model': 'claude-haiku-4-5',
      'gen_ai.response.model': 'claude-haiku-4-5',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 3,
      'registry.attempt.number': 2,
      'registry.fallback.reason': expect.stringMatching(/^openai\/gpt-4o-mini: HTTP 500/),
      'http.response.status_code': 200,
    });
    expect(answered.attributes['error.type']).toBeUndefined();
    // In time: the call holds both attempts, the second began after the first failed.
    expect(BigInt(call.startTimeUnixNano) <= BigInt(failed.startTimeUnixNano)).toBe(true);
    expect(BigInt(failed.endTimeUnixNano) <= BigInt(answered.startTimeUnixNano)).toBe(true);
    expect(BigInt(answered.endTimeUnixNano) <= BigInt(call.endTimeUnixNano)).toBe(true);

    // The stream, without a traceparent: a trace of its own; its attempt ends with the stream, with the stream's usage.
    const other = spans.filter((s) => s.traceId !== traceId);
    const streamCall = other.find((s) => s.kind === OTLP_SPAN_KIND.server)!;
    const streamAttempt = other.find((s) => s.kind === OTLP_SPAN_KIND.client)!;
    expect(streamCall).toMatchObject({ name: 'chat openai/gpt-4o-mini', parentSpanId: '' });
    expect(streamCall.attributes).toMatchObject({
      'registry.stream': true,
      'registry.attempts': 1,
      'gen_ai.response.model': 'gpt-4o-mini',
    });
    expect(streamAttempt).toMatchObject({ parentSpanId: streamCall.spanId, traceId: streamCall.traceId });
    expect(streamAttempt.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 3,
      'registry.attempt.number': 1,
    });
    expect(BigInt(streamAttempt.endTimeUnixNano) <= BigInt(streamCall.endTimeUnixNano)).toBe(true);

    // Nothing secret anywhere in what was exported: no provider key, no consumer key, no prompt, no answer.
    const payload = receiver.payload();
    for (const text of [PROMPT, 'secret plans', 'Hello from', consumerKey, ADMIN_TOKEN]) expect(payload).not.toContain(text);
    for (const key of [...Object.values(KEYS), consumerKey]) expect(keyLeaks(withoutIds(payload), key)).toEqual([]);
  });
});

describe('OpenTelemetry at shutdown, with a collector that never answers', () => {
  const fakes = new FakeProviderServer();
  const sockets = new Set<net.Socket>();
  const silent = net.createServer((socket) => void sockets.add(socket));
  let server: Server | undefined;

  afterAll(async () => {
    if (server?.process.child.exitCode === null) await server.stop();
    await server?.db?.drop();
    if (server?.dataDir) fs.rmSync(server.dataDir, { recursive: true, force: true });
    for (const socket of sockets) socket.destroy();
    silent.close();
    await fakes.close();
  });

  it('the last export waits at most half of SHUTDOWN_TIMEOUT_MS, says so, and the server still exits cleanly in time', async () => {
    await fakes.start();
    const openai = fakes.add('otel-silent-openai', { kind: 'openai', apiKey: KEYS.openai });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const collector = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    server = await startOurServer({ OTEL_EXPORTER_OTLP_ENDPOINT: collector, SHUTDOWN_TIMEOUT_MS: '4000' });
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const stored = await fetch(`${server.url}/api/providers/openai/credentials`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ apiKey: KEYS.openai, baseUrl: openai.baseUrl }),
    });
    expect(stored.status).toBe(201);
    const key = (
      (await (await fetch(`${server.url}/api/keys`, { method: 'POST', headers: admin, body: '{"name":"silent"}' })).json()) as any
    ).data.key;
    const answer = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(answer.status).toBe(200);
    await answer.text();

    const stopping = performance.now();
    expect(await server.stop()).toBe(0);
    expect(performance.now() - stopping).toBeLessThan(4000);
    expect(server.process.output()).toContain('OpenTelemetry: the last spans were not exported within 2000 ms');
    // The export still open does not keep the server up, nor its last line from the log.
    expect(server.process.output()).toMatch(/"msg":"Stopped in \d+ ms"\}\n$/);
    expect(sockets.size).toBeGreaterThan(0); // the exporter did reach it
  }, 120_000);
});

function byStart(a: ReceivedSpan, b: ReceivedSpan): number {
  return BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1;
}
