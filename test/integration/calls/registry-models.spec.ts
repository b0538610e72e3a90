import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { embed, embedMany, generateText, streamText, TextStreamPart, ToolSet } from 'ai';
import type { CallReport } from '../../../src/registry/calls/call-report';
import { ProviderCallError } from '../../../src/registry/calls/provider-call.errors';
import { RegistryModels } from '../../../src/registry/ai-sdk/registry-models';
import type { ProvidersModuleOptions } from '../../../src/registry/providers.options';
import { CredentialsService } from '../../../src/registry/credentials/credentials.service';
import { AvailabilityService } from '../../../src/registry/selection/availability.service';
import { UsageService } from '../../../src/registry/usage/usage.service';
import type { UsageRecord } from '../../../src/registry/usage/usage.types';
import { writeCatalogVariant } from '../../support/catalog-files';
import { FakeProvider, FakeProviderServer, keyLeaks } from '../../support/fake-provider-server';
import { captureLogs, LogCapture } from '../../support/log-capture';
import { waitFor } from '../../support/server-process';
import { createTestDatabase, TestDatabase, onRealPostgres } from '../../support/test-database';
import { startCallingRegistry } from './calling-registry';

/** Keys shaped like real ones, long enough for keyLeaks to find any piece of them. */
const KEYS = {
  openai: 'sk-proj-Oa7Lq2Wm9Xc4Vb8Nz1Kd6Hf3Jg5Rt0Ye',
  anthropic: 'sk-ant-api03-An4Qw8Er2Ty6Ui1Op5As9Df3Gh7Jk',
  openrouter: 'sk-or-v1-Or3Zx7Cv1Bn5Mq9Wl2Ek6Rj0Tp4Yh8',
  mirror: 'sk-mirror-Mi5Rr8Oo2Rr6Kk1Ee9Yy3Tt7Uu4Pp0',
};

/** Text: openai/gpt-4o-mini (default) → anthropic/claude-haiku-4-5 → openrouter → ollama (the shipped chain). */
const CATALOG = writeCatalogVariant((doc) => {
  // The same embedding model at another provider, and another model after it: only the first may be a fallback.
  doc.providers.mirror = {
    display_name: 'Embedding mirror',
    probe: 'openai_compatible',
    base_url: 'http://127.0.0.1:9/v1',
    requires_api_key: true,
    required_config: [],
    priority: 50,
    text_models: [],
    embedding_models: [{ id: 'text-embedding-3-small', name: 'Text Embedding 3 Small (mirror)', dimensions: 1536 }],
  };
  doc.fallback_chain.embedding = [
    { provider: 'ollama', model: 'nomic-embed-text' },
    { provider: 'mirror', model: 'text-embedding-3-small' },
  ];
});

type Fakes = Record<'openai' | 'anthropic' | 'openrouter' | 'ollama' | 'mirror', FakeProvider>;

describe(RegistryModels.name, () => {
  const server = new FakeProviderServer();
  let n = 0;
  let db: TestDatabase;
  let app: INestApplicationContext | undefined;
  let logs: LogCapture;
  let fakes: Fakes;
  let records: Array<[string, UsageRecord]>;
  let models: RegistryModels;
  let usage: UsageService;

  beforeAll(() => server.start());
  afterAll(() => server.close());

  /** A registry whose providers all live on the fake server, each with its own fresh fake (own request log). */
  async function start(settings: Partial<ProvidersModuleOptions> = {}): Promise<void> {
    n++;
    fakes = {
      openai: server.add(`openai${n}`, { kind: 'openai', apiKey: KEYS.openai, echoKeyInErrors: true }),
      anthropic: server.add(`anthropic${n}`, { kind: 'anthropic', apiKey: KEYS.anthropic, echoKeyInErrors: true }),
      openrouter: server.add(`openrouter${n}`, { kind: 'openrouter', apiKey: KEYS.openrouter }),
      ollama: server.add(`ollama${n}`, { kind: 'ollama' }),
      mirror: server.add(`mirror${n}`, { kind: 'openai', apiKey: KEYS.mirror }),
    };
    app = await startCallingRegistry(db, settings, { CATALOG_PATH: CATALOG });
    const credentials = app.get(CredentialsService);
    for (const provider of ['openai', 'anthropic', 'openrouter', 'mirror'] as const) {
      await credentials.store(provider, { apiKey: KEYS[provider], baseUrl: fakes[provider].baseUrl });
    }
    await credentials.store('ollama', { baseUrl: fakes.ollama.baseUrl });
    models = app.get(RegistryModels);
    usage = app.get(UsageService);
    records = [];
    const record = usage.record.bind(usage);
    // Observed, not replaced: every record still goes into the real tally.
    jest.spyOn(usage, 'record').mockImplementation((provider, usageRecord) => {
      records.push([provider, { ...usageRecord }]);
      return record(provider, usageRecord);
    });
  }

  const calls = (fake: FakeProvider) => fake.requests().filter((r) => r.method === 'POST');
  const outcomes = () => records.map(([provider, r]) => `${provider}:${r.outcome ?? '-'}`);
  const reportOf = (metadata: unknown) => (metadata as { registry: CallReport }).registry;

  async function pendingOf(provider: string) {
    return (await usage.getCredentialUsage()).find((c) => c.provider === provider)?.pending;
  }

  beforeEach(async () => {
    db = await createTestDatabase();
    logs = captureLogs();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    logs.restore();
    await db.drop();
    const text = logs.lines.join('\n');
    for (const key of Object.values(KEYS)) expect(keyLeaks(text, key)).toEqual([]);
  });

  function expectNoKey(value: unknown): void {
    const text = value instanceof Error ? `${value.message}\n${JSON.stringify(value)}\n${value.stack}` : JSON.stringify(value);
    for (const key of Object.values(KEYS)) expect(keyLeaks(text, key)).toEqual([]);
  }

  it('generates with the selected model and its credential, reports who answered and records the usage', async () => {
    await start();
    const result = await generateText({ model: models.languageModel(), prompt: 'Say hello' });

    expect(result.text).toBe(`Hello from openai${n}.`);
    expect(result.response.modelId).toBe('gpt-4o-mini');
    expect(reportOf(result.providerMetadata)).toEqual({
      provider: 'openai',
      model: 'gpt-4o-mini',
      source: 'global_default',
      failed: [],
      skipped: [],
    });
    const [request] = calls(fakes.openai);
    expect(request.headers.authorization).toBe(`Bearer ${KEYS.openai}`);
    expect(request.body).toMatchObject({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] });
    expect(records).toEqual([
      ['openai', expect.objectContaining({ requests: 1, inputTokens: 11, outputTokens: 3, model: 'gpt-4o-mini', outcome: 'success' })],
    ]);
    expect(records[0][1].latencyMs).toEqual(expect.any(Number));
    expect(await pendingOf('openai')).toEqual({ requests: '1', inputTokens: '11', outputTokens: '3' });
    expectNoKey(result);
  });

  it('streams from the selected model; the report and the usage come with the finish', async () => {
    await start();
    const result = streamText({ model: models.languageModel({ operation: 'tagging' }), prompt: 'Say hello' });

    expect(await result.text).toBe(`Hello from anthropic${n}.`);
    expect(reportOf(await result.providerMetadata)).toMatchObject({
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      source: 'operation',
    });
    expect(calls(fakes.anthropic)[0].headers['x-api-key']).toBe(KEYS.anthropic);
    expect(calls(fakes.anthropic)[0].body).toMatchObject({ model: 'claude-haiku-4-5', stream: true });
    expect(outcomes()).toEqual(['anthropic:success']);
    expect(await pendingOf('anthropic')).toEqual({ requests: '1', inputTokens: '11', outputTokens: '3' });
  });

  it('falls back to the next candidate after a 500, and says which failed and why', async () => {
    await start();
    fakes.openai.setMode('server_error');
    const result = await generateText({ model: models.languageModel(), prompt: 'Say hello' });

    expect(result.text).toBe(`Hello from anthropic${n}.`);
    const report = reportOf(result.providerMetadata);
    expect(report).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5', source: 'fallback' });
    expect(report.failed).toEqual([
      {
        provider: 'openai',
        model: 'gpt-4o-mini',
        outcome: 'error',
        status: 500,
        reason: expect.stringContaining('HTTP 500'),
        latencyMs: expect.any(Number),
      },
    ]);
    expect([calls(fakes.openai).length, calls(fakes.anthropic).length]).toEqual([1, 1]);
    expect(outcomes()).toEqual(['openai:error', 'anthropic:success']);
    expect(await pendingOf('openai')).toEqual({ requests: '1', inputTokens: '0', outputTokens: '0' });
  });

  it('falls back after a hang once the per-attempt timeout passes, and lets the hanging request go', async () => {
    await start({ callTimeoutMs: 300 });
    fakes.openai.setMode('hang');
    const result = await generateText({ model: models.languageModel(), prompt: 'Say hello' });

    expect(result.text).toBe(`Hello from anthropic${n}.`);
    expect(reportOf(result.providerMetadata).failed).toEqual([
      expect.objectContaining({ provider: 'openai', outcome: 'timeout', status: null, reason: 'no answer within 300 ms' }),
    ]);
    expect(outcomes()).toEqual(['openai:timeout', 'anthropic:success']);
    await waitFor('the hanging request to be closed', () => (calls(fakes.openai)[0].closedAt !== null ? true : undefined), 5000);
  });

  it('after a hang, the provider’s other models are not tried (nor waited for); after a 500 they are', async () => {
    await start({ callTimeoutMs: 300 });
    fakes.openai.setMode('hang');
    // enrichment: openai/gpt-4o, then the default openai/gpt-4o-mini, then the fallback chain.
    const hung = await generateText({ model: models.languageModel({ operation: 'enrichment' }), prompt: 'Say hello' });
    expect(reportOf(hung.providerMetadata).failed.map((f) => [f.model, f.outcome, f.reason])).toEqual([
      ['gpt-4o', 'timeout', 'no answer within 300 ms'],
      ['gpt-4o-mini', null, 'not tried: openai/gpt-4o failed just before (no answer within 300 ms)'],
    ]);
    expect(calls(fakes.openai)).toHaveLength(1);

    fakes.openai.setMode('server_error');
    const failing = await generateText({ model: models.languageModel({ operation: 'enrichment' }), prompt: 'Say hello' });
    expect(reportOf(failing.providerMetadata).failed.map((f) => [f.model, f.status])).toEqual([
      ['gpt-4o', 500],
      ['gpt-4o-mini', 500],
    ]);
    expect(reportOf(failing.providerMetadata).provider).toBe('anthropic');
    expect(outcomes()).toEqual(['openai:timeout', 'anthropic:success', 'openai:error', 'openai:error', 'anthropic:success']);
  });

  it('falls back after a 401 and a 429; a key the provider echoes back never reaches the report, the error or the logs', async () => {
    await start();
    fakes.openai.setMode('ok');
    await app!.get(CredentialsService).store('openai', { apiKey: `${KEYS.openai}-revoked`, baseUrl: fakes.openai.baseUrl });
    fakes.anthropic.setMode({ type: 'rate_limited', retryAfterSeconds: 1 });
    const result = await generateText({ model: models.languageModel(), prompt: 'Say hello' });

    expect(result.text).toBe(`Hello from openrouter${n}.`);
    const report = reportOf(result.providerMetadata);
    expect(report.failed.map((f) => [f.provider, f.outcome, f.status])).toEqual([
      ['openai', 'auth_error', 401],
      ['anthropic', 'rate_limited', 429],
    ]);
    expect(outcomes()).toEqual(['openai:auth_error', 'anthropic:rate_limited', 'openrouter:success']);
    expectNoKey(result);
    expect(keyLeaks(JSON.stringify(report), `${KEYS.openai}-revoked`)).toEqual([]);

    // And when nothing answers, the error carries every attempt, scrubbed as well.
    fakes.openrouter.setMode('server_error');
    fakes.ollama.setMode('server_error');
    const error = await generateText({ model: models.languageModel(), prompt: 'Say hello' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderCallError);
    expect((error as ProviderCallError).attempts.map((a) => a.outcome)).toEqual(['auth_error', 'rate_limited', 'error', 'error']);
    expectNoKey(error);
    expect(keyLeaks(`${(error as Error).message} ${JSON.stringify(error)}`, `${KEYS.openai}-revoked`)).toEqual([]);
    expect(keyLeaks(logs.lines.join('\n'), `${KEYS.openai}-revoked`)).toEqual([]);
  });

  it('walks the plan once even with the AI SDK’s default retries: its errors are not ones the SDK retries', async () => {
    await start();
    for (const fake of [fakes.openai, fakes.anthropic, fakes.openrouter, fakes.ollama]) fake.setMode('server_error');
    await expect(generateText({ model: models.languageModel(), prompt: 'Say hello' })).rejects.toThrow(
      /every candidate failed: openai\/gpt-4o-mini: HTTP 500.*anthropic\/claude-haiku-4-5: HTTP 500/,
    );
    expect([fakes.openai, fakes.anthropic, fakes.openrouter, fakes.ollama].map((f) => calls(f).length)).toEqual([1, 1, 1, 1]);
  });

  it('a request the provider refuses as invalid (400) surfaces at once, without trying another or blaming the provider', async () => {
    await start();
    fakes.openai.setMode({
      type: 'server_error',
      status: 400,
      body: { error: { message: 'Invalid value for temperature', type: 'invalid_request_error' } },
    });
    const error = await generateText({ model: models.languageModel(), prompt: 'Say hello' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderCallError);
    expect((error as ProviderCallError).status).toBe(400);
    expect((error as Error).message).toContain('Invalid value for temperature');
    expect(calls(fakes.anthropic)).toHaveLength(0);
    expect(outcomes()).toEqual(['openai:-']);
  });

  it('a prompt the provider’s SDK cannot send fails with the SDK’s own error: nothing sent, nothing recorded, no fallback', async () => {
    await start();
    const error = await generateText({
      model: models.languageModel(),
      messages: [{ role: 'user', content: [{ type: 'file', data: Buffer.from('PK'), mediaType: 'application/zip' }] }],
    }).catch((e: unknown) => e);

    expect((error as Error).name).toBe('AI_UnsupportedFunctionalityError');
    expect([calls(fakes.openai).length, calls(fakes.anthropic).length]).toEqual([0, 0]);
    expect(records).toEqual([]);
  });

  it('a stream that breaks before its first chunk falls back; the caller sees only the answer that came', async () => {
    await start();
    fakes.openai.setMode({ type: 'stream_cut', afterChunks: 0 });
    const result = streamText({ model: models.languageModel(), prompt: 'Say hello' });
    const parts = await collect(result.fullStream);

    expect(parts.filter((p) => p.type === 'error')).toEqual([]);
    expect(textOf(parts)).toBe(`Hello from anthropic${n}.`);
    expect(reportOf(await result.providerMetadata).failed).toEqual([expect.objectContaining({ provider: 'openai', outcome: 'error' })]);
    expect(outcomes()).toEqual(['openai:error', 'anthropic:success']);
  });

  it('a stream whose provider hangs before its first chunk falls back after the per-attempt timeout', async () => {
    await start({ callTimeoutMs: 300 });
    fakes.openai.setMode('hang');
    const result = streamText({ model: models.languageModel(), prompt: 'Say hello' });

    expect(textOf(await collect(result.fullStream))).toBe(`Hello from anthropic${n}.`);
    expect(outcomes()).toEqual(['openai:timeout', 'anthropic:success']);
  });

  it('a stream that breaks after its first chunk is not switched: the caller gets what came and the error', async () => {
    await start();
    fakes.openai.setMode({ type: 'stream_cut', afterChunks: 1 });
    // The error is asserted from the stream's parts below; without onError the AI SDK also prints it.
    const result = streamText({ model: models.languageModel(), prompt: 'Say hello', onError: () => undefined });
    const parts = await collect(result.fullStream);

    expect(textOf(parts)).toBe('Hello ');
    const errors = parts.filter((p) => p.type === 'error').map((p) => (p as { error: unknown }).error);
    expect(errors).toEqual([expect.any(ProviderCallError)]);
    expect((errors[0] as Error).message).toMatch(/^openai\/gpt-4o-mini failed after output had begun/);
    expect(calls(fakes.anthropic)).toHaveLength(0);
    expect(outcomes()).toEqual(['openai:error']);
    expectNoKey(errors[0]);
  });

  it('the caller’s abort ends the call: no fallback, and not recorded as the provider failing', async () => {
    await start();
    fakes.openai.setMode('hang');
    const controller = new AbortController();
    const call = generateText({ model: models.languageModel(), prompt: 'Say hello', abortSignal: controller.signal }).catch(
      (e: unknown) => e,
    );
    await waitFor('the request to reach the provider', () => (calls(fakes.openai).length > 0 ? true : undefined), 5000);
    controller.abort();
    const error = await call;

    // The SDK's own abort error (a DOMException), as without the registry.
    expect((error as Error).name).toBe('AbortError');
    expect(calls(fakes.anthropic)).toHaveLength(0);
    expect(outcomes()).toEqual(['openai:-']);
  });

  it('embeds with the selected model and falls back only to the same model elsewhere, never to another model', async () => {
    await start();
    const first = await embed({ model: models.textEmbeddingModel(), value: 'a note' });
    expect(first.embedding).toHaveLength(4);
    expect(reportOf(first.providerMetadata)).toMatchObject({
      provider: 'openai',
      model: 'text-embedding-3-small',
      skipped: [expect.objectContaining({ provider: 'ollama', model: 'nomic-embed-text', reason: 'different_embedding_model' })],
    });

    fakes.openai.setMode('server_error');
    const fallback = await embedMany({ model: models.textEmbeddingModel(), values: ['a note', 'another'] });
    // The same vectors: the same model answered, at the mirror.
    expect(fallback.embeddings[0]).toEqual(first.embedding);
    expect(reportOf(fallback.providerMetadata)).toMatchObject({
      provider: 'mirror',
      model: 'text-embedding-3-small',
      failed: [expect.objectContaining({ provider: 'openai', status: 500 })],
    });
    expect(calls(fakes.mirror)[0].body).toMatchObject({ model: 'text-embedding-3-small', input: ['a note', 'another'] });

    fakes.mirror.setMode('server_error');
    await expect(embed({ model: models.textEmbeddingModel(), value: 'a note' })).rejects.toThrow(ProviderCallError);
    expect(calls(fakes.ollama)).toHaveLength(0);
    expect(outcomes()).toEqual(['openai:success', 'openai:error', 'mirror:success', 'openai:error', 'mirror:error']);
    expect(records.map(([, r]) => r.inputTokens)).toEqual([11, 0, 11, 0, 0]);
  });

  // A row written by hand reaches the snapshot by notification, which on the embedded test database only its owner process sees.
  const onPostgres = onRealPostgres ? it : it.skip;
  onPostgres(
    'calls a provider added by hand (not in the catalog) through the API its capabilities name, keyless, without an Authorization header',
    async () => {
      await start();
      const local = server.add(`local${n}`, { kind: 'openai', reply: 'Local answer.' });
      const capabilities = {
        probe: 'openai_compatible',
        baseUrl: local.baseUrl,
        requiresApiKey: false,
        textModels: [{ id: 'local-model', name: 'Local model', contextLength: 8192 }],
        embeddingModels: [],
      };
      await app!
        .get(DataSource)
        .query(
          `INSERT INTO provider_configs (provider, display_name, priority, capabilities) VALUES ('local-llm', 'Local', 100, $1::jsonb)`,
          [JSON.stringify(capabilities)],
        );
      const availability = app!.get(AvailabilityService);
      await waitFor(
        'the new provider to reach the snapshot',
        () => (availability.isProviderAvailable('local-llm').available ? true : undefined),
        10_000,
      );

      const result = await generateText({
        model: models.languageModel({ commandOverride: { provider: 'local-llm', model: 'local-model' } }),
        prompt: 'Say hello',
      });
      expect(result.text).toBe('Local answer.');
      expect(reportOf(result.providerMetadata)).toMatchObject({ provider: 'local-llm', model: 'local-model', source: 'command_override' });
      expect(calls(local)[0].headers.authorization).toBeUndefined();
      expect(outcomes()).toEqual(['local-llm:success']);
    },
  );

  it('sends no key to an address the egress policy refuses, as written or as a name resolves: nothing reaches the provider', async () => {
    await start({ egress: { blockedRanges: ['127.0.0.0/8', '::1/128'] } });
    // A name passes the text check; the dispatcher refuses the address it resolves to, before connecting.
    await app!
      .get(CredentialsService)
      .store('openai', { apiKey: KEYS.openai, baseUrl: fakes.openai.baseUrl.replace('127.0.0.1', 'localhost') });
    const connections = server.connectionCount;
    const error = await generateText({ model: models.languageModel(), prompt: 'Say hello' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderCallError);
    expect((error as ProviderCallError).attempts.map((a) => [a.provider, a.outcome, a.reason])).toEqual([
      ['openai', null, expect.stringMatching(/localhost resolves to (127\.0\.0\.1|::1), which is not allowed/)],
      ...['anthropic', 'openrouter', 'ollama'].map((provider) => [provider, null, expect.stringContaining('127.0.0.1 is not allowed')]),
    ]);
    expect(server.connectionCount).toBe(connections);
    expect(records).toEqual([]);
  });

  it('usage of every attempt reaches the database with the flush', async () => {
    await start();
    fakes.openai.setMode('server_error');
    await generateText({ model: models.languageModel(), prompt: 'Say hello' });
    await generateText({ model: models.languageModel(), prompt: 'Say hello' });
    await usage.flush();

    const byProvider = Object.fromEntries((await usage.getUsage()).map((u) => [u.provider, [u.usageCount, u.pending]]));
    expect(byProvider.openai).toEqual(['2', '0']);
    expect(byProvider.anthropic).toEqual(['2', '0']);
    const anthropic = (await usage.getCredentialUsage()).find((c) => c.provider === 'anthropic')!;
    expect([anthropic.usageCount, anthropic.inputTokens, anthropic.outputTokens]).toEqual(['2', '22', '6']);
  });
});

async function collect(stream: AsyncIterable<TextStreamPart<ToolSet>>): Promise<TextStreamPart<ToolSet>[]> {
  const parts: TextStreamPart<ToolSet>[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

function textOf(parts: TextStreamPart<ToolSet>[]): string {
  return parts.map((p) => (p.type === 'text-delta' ? p.text : '')).join('');
}
