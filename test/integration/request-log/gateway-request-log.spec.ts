import { INestApplicationContext } from '@nestjs/common';
import { ConsumerKeysService } from '../../../src/registry/consumer-keys/consumer-keys.service';
import { CredentialsService } from '../../../src/registry/credentials/credentials.service';
import { GatewayService } from '../../../src/registry/gateway/gateway.service';
import type { GatewayCall, JsonAnswer, StreamAnswer } from '../../../src/registry/gateway/gateway.types';
import { RequestLogWriter } from '../../../src/registry/request-log/request-log-writer.service';
import { RequestLogService } from '../../../src/registry/request-log/request-log.service';
import { FakeProvider, FakeProviderServer } from '../../support/fake-provider-server';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { startCallingRegistry } from '../calls/calling-registry';

const KEYS = {
  openai: 'sk-proj-Rl7Lq2Wm9Xc4Vb8Nz1Kd6Hf3Jg5Rt0Ye',
  anthropic: 'sk-ant-api03-Rl4Qw8Er2Ty6Ui1Op5As9Df3Gh7Jk',
};

describe('gateway calls end to end in the request log', () => {
  const server = new FakeProviderServer();
  let db: TestDatabase;
  let app: INestApplicationContext;
  let fakes: Record<'openai' | 'anthropic', FakeProvider>;
  let n = 0;

  beforeAll(() => server.start());
  afterAll(() => server.close());

  beforeEach(async () => {
    n++;
    db = await createTestDatabase();
    fakes = {
      openai: server.add(`rl-openai${n}`, { kind: 'openai', apiKey: KEYS.openai }),
      anthropic: server.add(`rl-anthropic${n}`, { kind: 'anthropic', apiKey: KEYS.anthropic }),
    };
    app = await startCallingRegistry(db, {});
    const credentials = app.get(CredentialsService);
    for (const provider of ['openai', 'anthropic'] as const) {
      await credentials.store(provider, { apiKey: KEYS[provider], baseUrl: fakes[provider].baseUrl });
    }
  });

  afterEach(async () => {
    await app.close();
    await db.drop();
  });

  const call = (body: unknown, consumerKeyId: string): GatewayCall => ({
    body,
    mayUse: () => true,
    signal: new AbortController().signal,
    consumerKeyId,
  });

  it('a call that fell back leaves one row: its key, who answered after which failure and why, tokens, cost; nothing secret', async () => {
    const { key, view } = await app.get(ConsumerKeysService).create({ name: 'checkout-svc' });
    fakes.openai.setMode('server_error');
    const gateway = app.get(GatewayService);
    const prompt = 'Say hello to the request log';
    const answer = (await gateway.chatCompletions(
      call({ model: 'auto', messages: [{ role: 'user', content: prompt }] }, view.id),
    )) as JsonAnswer;
    answer.delivered(); // as the edge does once it wrote the answer
    expect(answer.origin).toMatchObject({ provider: 'anthropic', attempts: 2 });

    fakes.openai.setMode('ok');
    const stream = (await gateway.chatCompletions(
      call({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: prompt }] }, view.id),
    )) as StreamAnswer;
    for await (const frame of stream.frames) void frame;

    await app.get(RequestLogWriter).flush();
    const { requests, nextCursor } = await app.get(RequestLogService).list({ key: 'checkout-svc', limit: 10 });
    expect(nextCursor).toBeNull();
    expect(requests).toHaveLength(2);
    const [streamed, fellBack] = requests;
    expect(fellBack).toMatchObject({
      kind: 'chat',
      keyId: view.id,
      keyName: 'checkout-svc',
      modelAsked: 'auto',
      stream: false,
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      result: 'success',
      status: 200,
      errorCode: null,
      attempts: [expect.objectContaining({ provider: 'openai', model: 'gpt-4o-mini', outcome: 'error', status: 500 })],
      inputTokens: 11,
      outputTokens: 3,
      costUsd: '0.000026', // 11 × $1 + 3 × $5 per million tokens
    });
    expect(fellBack.attempts[0].reason).toEqual(expect.any(String));
    expect(streamed).toMatchObject({
      modelAsked: 'openai/gpt-4o-mini',
      stream: true,
      provider: 'openai',
      model: 'gpt-4o-mini',
      result: 'success',
      attempts: [],
      inputTokens: 11,
      timeToFirstTokenMs: expect.any(Number),
    });
    expect(streamed.latencyMs).toBeGreaterThanOrEqual(0);

    const ds = await db.dataSource();
    const stored = JSON.stringify(await ds.query(`SELECT * FROM request_log`));
    for (const secret of [key, KEYS.openai, KEYS.anthropic, prompt, 'Hello from']) expect(stored).not.toContain(secret);
  });
});
