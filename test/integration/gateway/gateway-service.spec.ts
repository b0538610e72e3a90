import { INestApplicationContext } from '@nestjs/common';
import { GatewayService } from '../../../src/registry/gateway/gateway.service';
import type { GatewayAnswer, GatewayCall, JsonAnswer, StreamAnswer } from '../../../src/registry/gateway/gateway.types';
import { ProviderConfigService } from '../../../src/registry/provider-settings/provider-config.service';
import { GatewayRequestError, ModelNotAllowedError } from '../../../src/registry/gateway/gateway.errors';
import { GatewayCallRecord, GatewayObservers } from '../../../src/registry/gateway/gateway-observers';
import { CallConnections } from '../../../src/registry/calls/call-connections';
import { ProviderCallError } from '../../../src/registry/calls/provider-call.errors';
import type { ProvidersModuleOptions } from '../../../src/registry/providers.options';
import { CredentialsService } from '../../../src/registry/credentials/credentials.service';
import { NoAvailableProviderError, UnknownModelError } from '../../../src/registry/selection/selection.errors';
import { RegistryMetrics } from '../../../src/registry/metrics/registry-metrics';
import { UsageService } from '../../../src/registry/usage/usage.service';
import type { UsageRecord } from '../../../src/registry/usage/usage.types';
import { FakeProvider, FakeProviderServer, keyLeaks } from '../../support/fake-provider-server';
import { FAKE_TOOL_INPUT } from '../../support/fake-model-calls';
import { captureLogs, LogCapture } from '../../support/log-capture';
import { waitFor } from '../../support/server-process';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { startCallingRegistry } from '../calls/calling-registry';

const KEYS = {
  openai: 'sk-proj-Gw7Lq2Wm9Xc4Vb8Nz1Kd6Hf3Jg5Rt0Ye',
  anthropic: 'sk-ant-api03-Gw4Qw8Er2Ty6Ui1Op5As9Df3Gh7Jk',
  openrouter: 'sk-or-v1-Gw3Zx7Cv1Bn5Mq9Wl2Ek6Rj0Tp4Yh8',
};

/** Everything a stream sends, and its frames' data parsed (the [DONE] marker kept as the string). */
async function drain(answer: GatewayAnswer): Promise<{ frames: string[]; data: unknown[] }> {
  let text = '';
  for await (const piece of (answer as StreamAnswer).frames) text += piece;
  const frames = text.split(/(?<=\n\n)/).filter((frame) => frame !== '');
  const data = frames.map((frame) => {
    const text = frame.replace(/^data: /, '').trim();
    return text === '[DONE]' ? text : JSON.parse(text);
  });
  return { frames, data };
}

function contentOf(data: unknown[]): string {
  return data.map((d) => (d as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]?.delta?.content ?? '').join('');
}

describe(GatewayService.name, () => {
  const server = new FakeProviderServer();
  let n = 0;
  let db: TestDatabase;
  let app: INestApplicationContext | undefined;
  let logs: LogCapture;
  let fakes: Record<'openai' | 'anthropic' | 'openrouter' | 'ollama', FakeProvider>;
  let records: Array<[string, UsageRecord]>;
  let gateway: GatewayService;

  beforeAll(() => server.start());
  afterAll(() => server.close());

  async function start(settings: Partial<ProvidersModuleOptions> = {}): Promise<void> {
    n++;
    fakes = {
      openai: server.add(`gw-openai${n}`, { kind: 'openai', apiKey: KEYS.openai, echoKeyInErrors: true }),
      anthropic: server.add(`gw-anthropic${n}`, { kind: 'anthropic', apiKey: KEYS.anthropic, echoKeyInErrors: true }),
      openrouter: server.add(`gw-openrouter${n}`, { kind: 'openrouter', apiKey: KEYS.openrouter }),
      ollama: server.add(`gw-ollama${n}`, { kind: 'ollama' }),
    };
    app = await startCallingRegistry(db, settings);
    const credentials = app.get(CredentialsService);
    for (const provider of ['openai', 'anthropic', 'openrouter'] as const) {
      await credentials.store(provider, { apiKey: KEYS[provider], baseUrl: fakes[provider].baseUrl });
    }
    await credentials.store('ollama', { baseUrl: fakes.ollama.baseUrl });
    gateway = app.get(GatewayService);
    const usage = app.get(UsageService);
    records = [];
    const record = usage.record.bind(usage);
    jest.spyOn(usage, 'record').mockImplementation((provider, usageRecord) => {
      records.push([provider, { ...usageRecord }]);
      return record(provider, usageRecord);
    });
  }

  const calls = (fake: FakeProvider) => fake.requests().filter((r) => r.method === 'POST');
  const outcomes = () => records.map(([provider, r]) => `${provider}:${r.outcome ?? '-'}`);
  const call = (body: unknown, extra: Partial<GatewayCall> = {}): GatewayCall => ({
    body,
    mayUse: () => true,
    signal: new AbortController().signal,
    ...extra,
  });
  const hello = (model: string, more: object = {}) => ({ model, messages: [{ role: 'user', content: 'Say hello' }], ...more });
  /** A chat call as the edge makes it: a JSON answer is delivered (its accounting recorded) as soon as it is handed over. */
  const chatCompletions = async (gatewayCall: GatewayCall): Promise<GatewayAnswer> => {
    const answer = await gateway.chatCompletions(gatewayCall);
    if (answer.kind === 'json') answer.delivered();
    return answer;
  };

  beforeEach(async () => {
    db = await createTestDatabase();
    logs = captureLogs();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    logs.restore();
    await db.drop();
    for (const key of Object.values(KEYS)) expect(keyLeaks(logs.lines.join('\n'), key)).toEqual([]);
  });

  it('auto: the registry’s choice answers, the body passed through with the model replaced, usage recorded', async () => {
    await start();
    const answer = (await chatCompletions(call(hello('auto', { temperature: 0.3, seed: 7, logit_bias: { 1: 2 } })))) as JsonAnswer;

    expect(answer).toMatchObject({ kind: 'json', status: 200, origin: { provider: 'openai', model: 'gpt-4o-mini', attempts: 1 } });
    expect(JSON.parse(answer.body).choices[0].message.content).toBe(`Hello from gw-openai${n}.`);
    const [sent] = calls(fakes.openai);
    expect(sent.headers.authorization).toBe(`Bearer ${KEYS.openai}`);
    expect(sent.body).toEqual({ ...hello('gpt-4o-mini'), temperature: 0.3, seed: 7, logit_bias: { 1: 2 } });
    expect(records).toEqual([
      ['openai', expect.objectContaining({ requests: 1, inputTokens: 11, outputTokens: 3, model: 'gpt-4o-mini', outcome: 'success' })],
    ]);
  });

  it('a stream is relayed chunk by chunk and ends with [DONE]; usage is read from the stream even when the client did not ask for it', async () => {
    await start();
    const answer = await chatCompletions(call(hello('openai/gpt-4o-mini', { stream: true })));
    const { data } = await drain(answer);

    expect(contentOf(data)).toBe(`Hello from gw-openai${n}.`);
    expect(data[data.length - 1]).toBe('[DONE]');
    expect(data.some((d) => typeof d === 'object' && (d as { usage?: unknown }).usage)).toBe(false);
    expect(calls(fakes.openai)[0].body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(records).toEqual([['openai', expect.objectContaining({ inputTokens: 11, outputTokens: 3, outcome: 'success' })]]);
    // The finished stream's connection goes back to the pool (an unread body would be destroyed, and its socket with it).
    // The Agent keeps a Pool per origin (a Client only with connections: 1): its `free` counts idle sockets.
    const pool = () => Object.values(app!.get(CallConnections).dispatcher.stats)[0] as { free?: number } | undefined;
    await waitFor('the stream’s upstream connection idle in the pool', () => (pool()?.free === 1 ? true : undefined), 5000);

    const asked = await drain(await chatCompletions(call(hello('gpt-4o-mini', { stream: true, stream_options: { include_usage: true } }))));
    expect(asked.data[asked.data.length - 2]).toMatchObject({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 3 } });
    // So the second stream came over the same connection.
    const [first, second] = calls(fakes.openai);
    expect(second.clientPort).toBe(first.clientPort);
  });

  it('Anthropic answers translated to OpenAI’s format, JSON and streamed, with its own headers', async () => {
    await start();
    const json = (await chatCompletions(call(hello('anthropic/claude-haiku-4-5', { max_tokens: 50 })))) as JsonAnswer;
    expect(json.origin).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5' });
    expect(JSON.parse(json.body)).toMatchObject({
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: `Hello from gw-anthropic${n}.` }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 },
    });
    const [sent] = calls(fakes.anthropic);
    expect(sent.headers['x-api-key']).toBe(KEYS.anthropic);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.body).toMatchObject({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user' }] });

    const streamed = await drain(await chatCompletions(call(hello('claude-haiku-4-5', { stream: true }))));
    expect(contentOf(streamed.data)).toBe(`Hello from gw-anthropic${n}.`);
    expect(streamed.data[streamed.data.length - 1]).toBe('[DONE]');
    expect(outcomes()).toEqual(['anthropic:success', 'anthropic:success']);
  });

  it('Anthropic with tools, both ways: tool definitions and results sent in its format, tool calls back in OpenAI’s, JSON and streamed', async () => {
    await start();
    const tools = [
      {
        type: 'function',
        function: { name: 'weather', description: 'Forecast', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    ];
    const conversation = [
      { role: 'system', content: 'Use tools.' },
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Lyon"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
      { role: 'user', content: 'And Paris?' },
    ];
    const json = (await chatCompletions(
      call({ model: 'anthropic/claude-haiku-4-5', messages: conversation, tools, tool_choice: 'auto' }),
    )) as JsonAnswer;
    const completion = JSON.parse(json.body);
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: 'Let me look.',
        tool_calls: [{ id: 'toolu_fake1', type: 'function', function: { name: 'weather' } }],
      },
    });
    expect(JSON.parse(completion.choices[0].message.tool_calls[0].function.arguments)).toEqual(FAKE_TOOL_INPUT);
    expect(calls(fakes.anthropic)[0].body).toMatchObject({
      system: 'Use tools.',
      tools: [{ name: 'weather', description: 'Forecast', input_schema: { type: 'object' } }],
      tool_choice: { type: 'auto' },
      messages: [
        { role: 'user' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Lyon' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1' },
            { type: 'text', text: 'And Paris?' },
          ],
        },
      ],
    });

    const { data } = await drain(await chatCompletions(call({ model: 'claude-haiku-4-5', messages: conversation, tools, stream: true })));
    const deltas = data.flatMap(
      (d) => (d as { choices?: Array<{ delta?: { tool_calls?: Array<{ function?: { arguments?: string } }> } }> }).choices ?? [],
    );
    const args = deltas
      .flatMap((c) => c.delta?.tool_calls ?? [])
      .map((t) => t.function?.arguments ?? '')
      .join('');
    expect(JSON.parse(args)).toEqual(FAKE_TOOL_INPUT);
    expect(data).toContainEqual(expect.objectContaining({ choices: [expect.objectContaining({ finish_reason: 'tool_calls' })] }));
    expect(data[data.length - 1]).toBe('[DONE]');
  });

  it.each([
    ['a 500', 'server_error', 'error'],
    ['a 429', 'rate_limited', 'rate_limited'],
    ['a 401', 'unauthorized', 'auth_error'],
  ] as const)('falls back after %s to the next candidate of the plan, and says so', async (_what, mode, outcome) => {
    await start();
    fakes.openai.setMode(mode);
    const answer = (await chatCompletions(call(hello('auto')))) as JsonAnswer;

    expect(answer.origin).toMatchObject({ provider: 'anthropic', attempts: 2 });
    expect(answer.origin.report.failed).toEqual([expect.objectContaining({ provider: 'openai', outcome })]);
    expect(outcomes()).toEqual([`openai:${outcome}`, 'anthropic:success']);
    expect(JSON.stringify(answer)).not.toContain(KEYS.openai.slice(8));
  });

  it('falls back after a hang past the first-byte timeout and after a refused connection', async () => {
    await start({ callTimeoutMs: 300 });
    fakes.openai.setMode('hang');
    const hung = (await chatCompletions(call(hello('auto', { stream: true })))) as StreamAnswer;
    expect(hung.origin.report.failed).toEqual([expect.objectContaining({ outcome: 'timeout', reason: 'no answer within 300 ms' })]);
    await drain(hung);
    await waitFor('the hanging request to be closed', () => (calls(fakes.openai)[0].closedAt !== null ? true : undefined), 5000);

    fakes.openai.setMode('ok');
    await app!.get(CredentialsService).store('openai', { apiKey: KEYS.openai, baseUrl: 'http://127.0.0.1:9/v1' });
    const refused = (await chatCompletions(call(hello('auto')))).origin;
    expect(refused).toMatchObject({ provider: 'anthropic', attempts: 2 });
    expect(refused.report.failed).toEqual([
      expect.objectContaining({ provider: 'openai', outcome: 'error', status: null, reason: 'connect ECONNREFUSED 127.0.0.1:9' }),
    ]);
  });

  it('a 400 from the upstream is the request’s: passed back as is, nothing else tried, the key removed', async () => {
    await start();
    const body = {
      error: { message: `bad temperature for key ${KEYS.openai}`, type: 'invalid_request_error', param: 'temperature', code: null },
    };
    fakes.openai.setMode({ type: 'server_error', status: 400, body });
    const answer = (await chatCompletions(call(hello('auto', { temperature: 9 })))) as JsonAnswer;

    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error: { ...body.error, message: 'bad temperature for key [redacted]' } });
    expect(calls(fakes.anthropic)).toHaveLength(0);
    expect(outcomes()).toEqual(['openai:-']);
  });

  it('every candidate failing: ProviderCallError with each one’s reason, those tried and those passed over', async () => {
    await start();
    for (const fake of Object.values(fakes)) fake.setMode('server_error');
    await expect(chatCompletions(call(hello('auto')))).rejects.toThrow(ProviderCallError);
    await expect(chatCompletions(call(hello('auto')))).rejects.toThrow(
      /every candidate failed: openai\/gpt-4o-mini: HTTP 500.*anthropic\/claude-haiku-4-5: HTTP 500/,
    );
    await app!.get(ProviderConfigService).disable('ollama');
    await expect(chatCompletions(call(hello('auto')))).rejects.toThrow(
      /every candidate failed: .*; passed over: .*ollama\/[^:]*: disabled/,
    );
  });

  it('an upstream that echoes the key it was sent in its answer: the key is replaced, JSON and streamed, Anthropic’s too', async () => {
    await start();
    const credentials = app!.get(CredentialsService);
    for (const provider of ['openai', 'anthropic'] as const) {
      const echo = server.add(`gw-echo-${provider}${n}`, {
        kind: provider,
        apiKey: KEYS[provider],
        reply: `your key is ${KEYS[provider]} indeed`,
      });
      await credentials.store(provider, { apiKey: KEYS[provider], baseUrl: echo.baseUrl });
    }
    for (const model of ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5']) {
      const json = await chatCompletions(call(hello(model)));
      const text = json.kind === 'json' ? json.body : '';
      expect(JSON.parse(text).choices[0].message.content).toBe('your key is [redacted] indeed');
      const streamed = await drain(await chatCompletions(call(hello(model, { stream: true }))));
      expect(contentOf(streamed.data)).toBe('your key is [redacted] indeed');
      for (const key of Object.values(KEYS)) expect(keyLeaks(text + streamed.frames.join(''), key)).toEqual([]);
    }
  });

  it('a stream cut after its first chunk ends with an error event and no [DONE], recorded as the provider’s failure', async () => {
    await start();
    fakes.openai.setMode({ type: 'stream_cut', afterChunks: 1 });
    const { data } = await drain(await chatCompletions(call(hello('auto', { stream: true }))));

    expect(data).not.toContain('[DONE]');
    expect(data[data.length - 1]).toEqual({
      error: {
        message: expect.stringContaining('openai/gpt-4o-mini failed after output had begun'),
        type: 'server_error',
        param: null,
        code: 'stream_interrupted',
      },
    });
    expect(calls(fakes.anthropic)).toHaveLength(0);
    expect(outcomes()).toEqual(['openai:error']);
  });

  it('a stream that cannot be read (an event that is not JSON) is the provider’s failure: the next one answers before output, an error event after', async () => {
    await start();
    fakes.openai.setMode({ type: 'stream_garbage', atEvent: 0 });
    const before = await chatCompletions(call(hello('auto', { stream: true })));
    expect(before.origin).toMatchObject({ provider: 'anthropic', attempts: 2 });
    expect(before.origin.report.failed).toEqual([
      expect.objectContaining({ provider: 'openai', outcome: 'error', reason: 'the provider sent an event that is not a JSON object' }),
    ]);
    expect((await drain(before)).data).toContain('[DONE]');

    fakes.openai.setMode({ type: 'stream_garbage', atEvent: 3 });
    const { data } = await drain(await chatCompletions(call(hello('auto', { stream: true }))));
    expect(data).not.toContain('[DONE]');
    expect(data[data.length - 1]).toMatchObject({
      error: {
        message: expect.stringMatching(/failed after output had begun: the provider sent an event that is not a JSON object$/),
        code: 'stream_interrupted',
      },
    });
    // Anthropic's events are parsed one by one: one that is not JSON is its failure the same way.
    fakes.anthropic.setMode({ type: 'stream_garbage', atEvent: 4 });
    const translated = await drain(await chatCompletions(call(hello('anthropic/claude-haiku-4-5', { stream: true }))));
    expect(translated.data).not.toContain('[DONE]');
    expect(translated.data[translated.data.length - 1]).toMatchObject({ error: { message: expect.stringMatching(/not JSON$/) } });
    expect(outcomes()).toEqual(['openai:error', 'anthropic:success', 'openai:error', 'anthropic:error']);
  });

  it('a stream that stalls after its first chunk is cut after STREAM_IDLE_TIMEOUT_MS, counted as the provider’s timeout', async () => {
    await start({ streamIdleTimeoutMs: 300 });
    fakes.openai.setMode({ type: 'stream_stall', afterChunks: 1 });
    const { data } = await drain(await chatCompletions(call(hello('auto', { stream: true }))));

    expect(data).not.toContain('[DONE]');
    expect(data[data.length - 1]).toMatchObject({
      error: { message: expect.stringContaining('no answer within 300 ms'), code: 'stream_interrupted' },
    });
    expect(outcomes()).toEqual(['openai:timeout']);
    await waitFor('the stalled request to be closed', () => (calls(fakes.openai)[0].closedAt !== null ? true : undefined), 5000);
  });

  it('a client that goes away mid-stream aborts the upstream at once, recorded as cancelled (no outcome)', async () => {
    await start();
    const client = new AbortController();
    const answer = (await chatCompletions(call(hello('auto', { stream: true }), { signal: client.signal }))) as StreamAnswer;
    await answer.frames.next();
    client.abort();
    await answer.frames.return(undefined);
    await waitFor('the upstream request to be closed', () => (calls(fakes.openai)[0].closedAt !== null ? true : undefined), 5000);
    expect(outcomes()).toEqual(['openai:-']);
  });

  it('a consumer key limited to models: only those answer; another named → ModelNotAllowedError; none of its own available for auto → 503', async () => {
    await start();
    const onlyAnthropic = (provider: string) => provider === 'anthropic';
    const answer = await chatCompletions(call(hello('auto'), { mayUse: onlyAnthropic }));
    expect(answer.origin.provider).toBe('anthropic');
    const refused = chatCompletions(call(hello('openai/gpt-4o-mini'), { mayUse: onlyAnthropic }));
    await expect(refused).rejects.toThrow(ModelNotAllowedError);
    await expect(refused).rejects.toThrow(/^this key may not use the model "openai\/gpt-4o-mini"$/); // quoted once
    const listed = gateway.models(onlyAnthropic);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.filter((m) => m.provider !== 'anthropic' || m.id !== `anthropic/${m.model}`)).toEqual([]);
    // Its errors name only what it may use: every candidate failing names no other provider, passed over or not.
    await app!.get(ProviderConfigService).disable('ollama');
    for (const fake of Object.values(fakes)) fake.setMode('server_error');
    const failed = await chatCompletions(call(hello('auto'), { mayUse: onlyAnthropic })).catch((error: Error) => error);
    expect(failed).toBeInstanceOf(ProviderCallError);
    expect((failed as Error).message).toMatch(/^every candidate failed: anthropic\/[^;]*: HTTP 500[^;]*$/);
    // A key whose models auto names none of: 403, as for naming a model it may not use (nothing to wait for).
    const elsewhere = (_provider: string, model: string) => model === 'a-model-auto-never-names';
    await expect(chatCompletions(call(hello('auto'), { mayUse: elsewhere }))).rejects.toThrow(ModelNotAllowedError);
    // Its models unavailable while others are: `auto` (which every key may ask for) has nothing to offer it, a 503.
    await app!.get(ProviderConfigService).disable('anthropic');
    const unavailable = await chatCompletions(call(hello('auto'), { mayUse: onlyAnthropic })).catch((error: Error) => error);
    expect(unavailable).toBeInstanceOf(NoAvailableProviderError);
    expect((unavailable as Error).message).toMatch(/anthropic\/.*disabled/);
    expect((unavailable as Error).message).not.toMatch(/openai|ollama|openrouter/);
    for (const provider of ['openai', 'openrouter']) await app!.get(ProviderConfigService).disable(provider);
    const none = await chatCompletions(call(hello('auto'), { mayUse: onlyAnthropic })).catch((error: Error) => error);
    expect(none).toBeInstanceOf(NoAvailableProviderError);
    expect((none as Error).message).toMatch(/anthropic\/.*disabled/);
    expect((none as Error).message).not.toMatch(/openai|ollama|openrouter/);
  });

  it('refuses what it cannot send, naming the field: no model, no messages, a model nobody offers', async () => {
    await start();
    await expect(chatCompletions(call({ messages: [{ role: 'user', content: 'hi' }] }))).rejects.toMatchObject({ param: 'model' });
    await expect(chatCompletions(call({ model: 'auto', messages: [] }))).rejects.toThrow(GatewayRequestError);
    await expect(chatCompletions(call(hello('gpt-nope')))).rejects.toThrow(UnknownModelError);
    await expect(chatCompletions(call(hello('openai/claude-haiku-4-5')))).rejects.toThrow(/provider "openai" offers no text model/);
    await expect(chatCompletions(call(hello('anthropic/claude-haiku-4-5', { n: 2 })))).rejects.toMatchObject({ param: 'n' });
    await expect(chatCompletions(call({ model: 'auto', messages: [{ role: 'user', content: 'hi' }, null] }))).rejects.toMatchObject({
      param: 'messages[1]',
    });
    for (const max_tokens of ['lots', 0.5, true]) {
      await expect(chatCompletions(call(hello('openai/gpt-4o-mini', { max_tokens })))).rejects.toMatchObject({ param: 'max_tokens' });
    }
    await expect(chatCompletions(call(hello('openai/gpt-4o-mini', { max_completion_tokens: '9' })))).rejects.toMatchObject({
      param: 'max_completion_tokens',
    });
    expect(records).toEqual([]);
  });

  it('refuses a body nested deeper than 64 levels (chat, tools, embeddings) instead of overflowing the stack serializing it', async () => {
    await start();
    const nested = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels));
    const deep = nested(5_000);
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { x: deep } } } }];
    for (const body of [hello('openai/gpt-4o-mini', { extra: deep }), hello('anthropic/claude-haiku-4-5', { tools })]) {
      await expect(chatCompletions(call(body))).rejects.toMatchObject({
        param: null,
        message: expect.stringMatching(/more than 64 levels/),
      });
    }
    await expect(gateway.embeddings(call({ model: 'openai/text-embedding-3-small', input: 'hi', extra: deep }))).rejects.toThrow(
      GatewayRequestError,
    );
    // A schema as deep as real ones get is sent.
    await chatCompletions(call(hello('openai/gpt-4o-mini', { extra: nested(60) })));
    expect(records).toHaveLength(1);
  });

  it('a replaced provider key is used by the very next call (keys are cached per provider state, not per process)', async () => {
    await start();
    await chatCompletions(call(hello('openai/gpt-4o-mini')));
    const rotated = 'sk-proj-Rotated9Xc4Vb8Nz1Kd6Hf3Jg5Rt0Ye';
    const other = server.add(`gw-rotated${n}`, { kind: 'openai', apiKey: rotated });
    await app!.get(CredentialsService).store('openai', { apiKey: rotated, baseUrl: other.baseUrl });
    const answer = (await chatCompletions(call(hello('openai/gpt-4o-mini')))) as JsonAnswer;
    expect(JSON.parse(answer.body).choices[0].message.content).toBe(`Hello from gw-rotated${n}.`);
    expect(calls(other)[0].headers.authorization).toBe(`Bearer ${rotated}`);
    expect(calls(fakes.openai)).toHaveLength(1);
  });

  it('leaves its figures in the metrics: calls by result, fallbacks, time to first token, tokens, unanswered calls', async () => {
    await start();
    fakes.openai.setMode('server_error');
    await drain(await chatCompletions(call(hello('auto', { stream: true }))));
    await chatCompletions(call(hello('anthropic/claude-haiku-4-5')));
    await expect(chatCompletions(call(hello('gpt-nope')))).rejects.toThrow(UnknownModelError);
    const text = await app!.get(RegistryMetrics).registry.metrics();
    const line = (prefix: string) => text.split('\n').find((l) => l.startsWith(prefix));
    expect(line('ai_gateway_requests_total{provider="anthropic",model="claude-haiku-4-5",result="success"}')).toMatch(/ 2$/);
    expect(line('ai_gateway_fallbacks_total{provider="openai",model="gpt-4o-mini",outcome="error"}')).toMatch(/ 1$/);
    expect(line('ai_gateway_time_to_first_token_seconds_count{provider="anthropic",model="claude-haiku-4-5"}')).toMatch(/ 1$/);
    expect(line('ai_gateway_tokens_total{provider="anthropic",model="claude-haiku-4-5",direction="output"}')).toMatch(/ 6$/);
    expect(line('ai_gateway_unanswered_total{reason="unknown_model"}')).toMatch(/ 1$/);
  });

  it('tells its observers how each call ended: who answered after which failures, tokens, latency; nobody, and why', async () => {
    await start();
    const records: GatewayCallRecord[] = [];
    app!.get(GatewayObservers).add({ callEnded: (record) => records.push(record) });
    fakes.openai.setMode('server_error');
    await drain(await chatCompletions(call(hello('auto', { stream: true }), { consumerKeyId: '7' })));
    await expect(chatCompletions(call(hello('gpt-nope')))).rejects.toThrow(UnknownModelError);

    expect(records).toEqual([
      expect.objectContaining({
        kind: 'chat',
        consumerKeyId: '7',
        modelAsked: 'auto',
        stream: true,
        provider: 'anthropic',
        model: 'claude-haiku-4-5',
        result: 'success',
        upstreamStatus: 200,
        failedAttempts: [expect.objectContaining({ provider: 'openai', outcome: 'error', status: 500 })],
        inputTokens: 11,
        outputTokens: 3,
        timeToFirstTokenMs: expect.any(Number),
      }),
      expect.objectContaining({
        modelAsked: 'gpt-nope',
        provider: null,
        result: 'unknown_model',
        errorCode: 'UNKNOWN_MODEL',
        failedAttempts: [],
      }),
    ]);
    expect(records[0].latencyMs).toBeGreaterThanOrEqual(records[0].timeToFirstTokenMs!);
  });

  it('embeddings: the input passed through, vectors back, usage recorded', async () => {
    await start();
    const answer = (await gateway.embeddings(
      call({ model: 'openai/text-embedding-3-small', input: ['a', 'b'], encoding_format: 'float' }),
    )) as JsonAnswer;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).data).toHaveLength(2);
    expect(calls(fakes.openai)[0].body).toEqual({ model: 'text-embedding-3-small', input: ['a', 'b'], encoding_format: 'float' });
    // Nobody said it was delivered (a host calling the service itself): the accounting ran by itself, once.
    await new Promise((resolve) => setImmediate(resolve));
    expect(outcomes()).toEqual(['openai:success']);
    answer.delivered();
    expect(outcomes()).toEqual(['openai:success']);
    await expect(gateway.embeddings(call({ model: 'auto', input: [] }))).rejects.toMatchObject({ param: 'input' });
  });
});
