import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { maskSecret } from '../../../src/registry/credentials/mask-secret';
import { FakeProvider, FakeProviderServer, keyLeaks } from '../../support/fake-provider-server';
import { ADMIN_TOKEN, startInstance, stopInstance } from '../../support/instances';
import { startServer, waitFor } from '../../support/server-process';
import { createTestDatabase, onRealPostgres, TestDatabase } from '../../support/test-database';

const OPENAI_KEY = 'sk-proj-Cl1entTestKeyAbCdEfGhIjKlMn0123';
const ANTHROPIC_KEY = 'sk-ant-api03-Cl1entTestKeyAbCdEfGhIjKl';

interface Server {
  url: string;
  output(): string;
  stop(): Promise<unknown>;
}

/** Our server as a real process: on the test's PostgreSQL when there is one, else on the embedded default. */
async function startOurServer(): Promise<Server & { db?: TestDatabase; dataDir?: string }> {
  const env = { BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'info', HEALTH_CHECK_INTERVAL_MS: '0' };
  if (onRealPostgres) {
    const db = await createTestDatabase();
    const instance = await startInstance({ databaseUrl: db.url, env });
    return { url: instance.url, output: instance.output, stop: () => stopInstance(instance), db };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-gateway-'));
  const server = await startServer(dataDir, env);
  return {
    url: `http://127.0.0.1:${server.port}`,
    output: server.output,
    stop: async () => {
      server.child.kill('SIGTERM');
      await server.exited;
    },
    dataDir,
  };
}

describe('the gateway through the official clients', () => {
  const fakes = new FakeProviderServer();
  let server: Awaited<ReturnType<typeof startOurServer>>;
  let openaiFake: FakeProvider;
  let consumerKey: string;
  let limitedKey: string;
  let client: OpenAI;

  async function api(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${server.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  beforeAll(async () => {
    await fakes.start();
    openaiFake = fakes.add('oa', { kind: 'openai', apiKey: OPENAI_KEY, echoKeyInErrors: true });
    const anthropicFake = fakes.add('an', { kind: 'anthropic', apiKey: ANTHROPIC_KEY, echoKeyInErrors: true });
    server = await startOurServer();
    expect((await api('POST', '/api/providers/openai/credentials', { apiKey: OPENAI_KEY, baseUrl: openaiFake.baseUrl })).status).toBe(201);
    expect(
      (await api('POST', '/api/providers/anthropic/credentials', { apiKey: ANTHROPIC_KEY, baseUrl: anthropicFake.baseUrl })).status,
    ).toBe(201);
    const created = await api('POST', '/api/keys', { name: 'checkout-service' });
    expect(created.status).toBe(201);
    consumerKey = created.body.data.key;
    limitedKey = (await api('POST', '/api/keys', { name: 'limited', models: ['anthropic/claude-haiku-4-5'] })).body.data.key;
    client = new OpenAI({ apiKey: consumerKey, baseURL: `${server.url}/v1`, maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await server?.db?.drop();
    if (server?.dataDir) fs.rmSync(server.dataDir, { recursive: true, force: true });
    await fakes.close();
  });

  it('chat, JSON: the answer, and who answered in the headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'Say hello' }] })
      .withResponse();
    expect(data.choices[0].message.content).toBe('Hello from oa.');
    expect(data.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 3 });
    expect(response.headers.get('x-registry-provider')).toBe('openai');
    expect(response.headers.get('x-registry-model')).toBe('gpt-4o-mini');
    expect(response.headers.get('x-registry-attempts')).toBe('1');
  });

  it('chat, streamed: the chunks as they come, ending cleanly', async () => {
    const stream = await client.chat.completions.create({
      model: 'anthropic/claude-haiku-4-5',
      messages: [
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'Say hello' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello from an.');
    expect(usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 3 });
  });

  it('tools and response_format pass through to an OpenAI-compatible upstream untouched', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: { name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
      },
    ];
    await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Find it' }],
      tools,
      tool_choice: 'auto',
      response_format: { type: 'json_object' },
    });
    const sent = openaiFake
      .requests()
      .filter((r) => r.method === 'POST')
      .at(-1)!;
    expect(sent.body).toMatchObject({ model: 'gpt-4o-mini', tools, tool_choice: 'auto', response_format: { type: 'json_object' } });
  });

  it('embeddings and the models list', async () => {
    const embeddings = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'] });
    expect(embeddings.data).toHaveLength(2);
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(
      expect.arrayContaining(['auto', 'openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5', 'openai/text-embedding-3-small']),
    );
    const limited = new OpenAI({ apiKey: limitedKey, baseURL: `${server.url}/v1`, maxRetries: 0 });
    const allowed = [];
    for await (const model of limited.models.list()) allowed.push(model.id);
    expect(allowed).toEqual(['auto', 'anthropic/claude-haiku-4-5']);
  });

  it('each error as the client’s own error class, with OpenAI’s status and shape', async () => {
    const chat = (c: OpenAI, model: string) => c.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
    const bad = new OpenAI({ apiKey: 'sk-reg-not-a-key', baseURL: `${server.url}/v1`, maxRetries: 0 });
    await expect(chat(bad, 'auto')).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
      constructor: OpenAI.AuthenticationError,
    });
    await expect(chat(client, 'gpt-nope')).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
      param: 'model',
      constructor: OpenAI.NotFoundError,
    });
    const limited = new OpenAI({ apiKey: limitedKey, baseURL: `${server.url}/v1`, maxRetries: 0 });
    await expect(chat(limited, 'openai/gpt-4o-mini')).rejects.toMatchObject({ status: 403, constructor: OpenAI.PermissionDeniedError });
    await expect(client.chat.completions.create({ model: 'auto', messages: [] })).rejects.toMatchObject({ status: 400, param: 'messages' });

    openaiFake.setMode('server_error');
    try {
      await expect(chat(client, 'openai/gpt-4o-mini')).rejects.toMatchObject({
        status: 503,
        code: 'upstream_failed',
        message: expect.stringContaining('openai/gpt-4o-mini: HTTP 500'),
        constructor: OpenAI.InternalServerError,
      });
    } finally {
      openaiFake.setMode('ok');
    }
  });

  it('a call past the key’s whole limit is a 429 the client is told not to retry, and does not', async () => {
    const small = await api('POST', '/api/keys', { name: 'small-tpm', tpm: 1000 });
    expect(small.status).toBe(201);
    const sent: string[] = [];
    const counting = new OpenAI({
      apiKey: small.body.data.key,
      baseURL: `${server.url}/v1`,
      // The client's default: it retries a 429 twice unless told not to.
      maxRetries: 2,
      fetch: (url: Parameters<typeof fetch>[0], init?: RequestInit) => {
        sent.push(String(url));
        return fetch(url, init);
      },
    });
    // No max_tokens: its worst case is the model's whole output, past 1,000 tokens a minute.
    const tooLarge = await counting.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(tooLarge).toMatchObject({ status: 429, code: 'rate_limit_exceeded', constructor: OpenAI.RateLimitError });
    expect((tooLarge as InstanceType<typeof OpenAI.APIError>).message).toMatch(/Request too large for this key/);
    expect((tooLarge as InstanceType<typeof OpenAI.APIError>).headers?.get('x-should-retry')).toBe('false');
    expect(sent).toHaveLength(1);
  });

  it('what fails before the gateway reads the request is answered in OpenAI’s shape too; large chats are read', async () => {
    const post = async (body: string, type?: string) => {
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${consumerKey}`, ...(type ? { 'content-type': type } : {}) },
        body,
      });
      return { status: response.status, body: (await response.json()) as { error?: { code: string | null; type: string } } };
    };
    expect(await post('{bad', 'application/json')).toMatchObject({
      status: 400,
      body: { error: { type: 'invalid_request_error', code: 'invalid_json' } },
    });
    expect(await post('model=auto', 'application/x-www-form-urlencoded')).toMatchObject({
      status: 415,
      body: { error: { code: 'unsupported_media_type' } },
    });
    const long = JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(2_000_000) }] });
    expect((await post(long, 'application/json')).status).toBe(200);
    // Announced at 40 MiB: refused on its Content-Length before a byte of it is read (a client writing it on gets EPIPE).
    const tooLarge = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${consumerKey}`, 'content-type': 'application/json', 'content-length': String(40 * 1024 * 1024) },
      });
      request.on('response', (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      });
      request.on('error', reject);
      request.flushHeaders();
    });
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toMatchObject({ error: { code: 'request_too_large' } });
    const unknown = await fetch(`${server.url}/v1/completions/nope`, { headers: { authorization: `Bearer ${consumerKey}` } });
    expect([unknown.status, ((await unknown.json()) as { error: { code: string } }).error.code]).toEqual([404, 'unknown_url']);
  });

  it('a client that goes away mid-stream: the upstream request is aborted at once', async () => {
    openaiFake.setMode({ type: 'stream_stall', afterChunks: 1 });
    try {
      const before = openaiFake.requests().length;
      const stream = await client.chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      });
      for await (const chunk of stream) {
        expect(chunk.object).toBe('chat.completion.chunk');
        break; // the client stops reading and closes the connection
      }
      const upstream = () => openaiFake.requests()[before];
      await waitFor('the upstream request to be closed', () => (upstream()?.closedAt != null ? true : undefined), 5000);
    } finally {
      openaiFake.setMode('ok');
    }
  });

  it('a client that goes away before any answer: the upstream is aborted, and it is no fault of ours (nothing logged as one)', async () => {
    openaiFake.setMode('hang');
    try {
      const before = openaiFake.requests().length;
      const gone = new AbortController();
      const call = client.chat.completions.create(
        { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
        { signal: gone.signal },
      );
      await waitFor('the upstream request', () => (openaiFake.requests().length > before ? true : undefined), 5000);
      gone.abort();
      await expect(call).rejects.toThrow();
      await waitFor('the upstream request to be closed', () => (openaiFake.requests()[before].closedAt != null ? true : undefined), 5000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(server.output()).not.toContain('Unexpected gateway failure');
    } finally {
      openaiFake.setMode('ok');
    }
  });

  it('@ai-sdk/openai with our baseURL: generateText and streamText', async () => {
    const provider = createOpenAI({ apiKey: consumerKey, baseURL: `${server.url}/v1` });
    const generated = await generateText({ model: provider.chat('auto'), prompt: 'Say hello' });
    expect(generated.text).toBe('Hello from oa.');
    const streamed = streamText({ model: provider.chat('anthropic/claude-haiku-4-5'), prompt: 'Say hello' });
    expect(await streamed.text).toBe('Hello from an.');
  });

  it('LangChain’s ChatOpenAI with our baseURL: invoke and stream, with the usage', async () => {
    const chat = (model: string) =>
      new ChatOpenAI({ model, apiKey: consumerKey, configuration: { baseURL: `${server.url}/v1` }, maxRetries: 0 });
    const invoked = await chat('auto').invoke('Say hello');
    expect(invoked.content).toBe('Hello from oa.');
    expect(invoked.usage_metadata).toMatchObject({ input_tokens: 11, output_tokens: 3 });
    let text = '';
    for await (const chunk of await chat('anthropic/claude-haiku-4-5').stream('Say hello')) text += String(chunk.content);
    expect(text).toBe('Hello from an.');
  });

  it('never shows a provider key or a consumer key in an answer or a log line', async () => {
    openaiFake.setMode('unauthorized');
    try {
      const { data } = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      expect(data.choices[0].message.content).toBe('Hello from an.');
      await expect(
        client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      ).rejects.toMatchObject({
        status: 503,
      });
    } finally {
      openaiFake.setMode('ok');
    }
    // Each call's line names its consumer key and who answered, never a key (the line reaches the pipe just after the answer).
    const fellBack = (line: string) =>
      line.includes('"consumerKey":"checkout-service"') && line.includes('"upstream":"anthropic/claude-haiku-4-5"');
    const line = await waitFor(
      'the fallback call’s log line',
      () =>
        server
          .output()
          .split('\n')
          .find((l) => fellBack(l) && l.includes('"attempts":2')),
      10_000,
    );
    expect(JSON.parse(line)).toMatchObject({ consumerKey: 'checkout-service', upstream: 'anthropic/claude-haiku-4-5', attempts: 2 });
    const keys = [OPENAI_KEY, ANTHROPIC_KEY, consumerKey, limitedKey];
    for (const key of keys) expect(keyLeaks(server.output(), key)).toEqual([]);
    // Everything the database holds (usage, audit trail, health, the keys' table) after hostile upstreams echoed the keys.
    if (server.db) {
      await new Promise((resolve) => setTimeout(resolve, 1500)); // past a usage flush
      let dump = execFileSync('pg_dump', ['--data-only', server.db.url], { maxBuffer: 64 * 1024 * 1024 }).toString();
      expect(dump).toContain('checkout-service');
      // The display prefix (sk-reg- and 5 of the key's 43 random characters) is stored on purpose, as GitHub shows a token's.
      for (const key of [consumerKey, limitedKey]) dump = dump.split(key.slice(0, 12)).join('[prefix]');
      // So is a provider key's mask (its public prefix and last characters), shown in the API and console.
      for (const key of [OPENAI_KEY, ANTHROPIC_KEY]) dump = dump.split(maskSecret(key)).join('[mask]');
      for (const key of keys) expect(keyLeaks(dump, key)).toEqual([]);
    }
  });
});
