import { FakeProviderServer, keyLeaks } from '../../support/fake-provider-server';

/** The fake must behave like the documented APIs, or probe tests prove nothing. */
describe(FakeProviderServer.name, () => {
  const server = new FakeProviderServer();
  const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers, redirect: 'manual' });

  beforeAll(() => server.start());
  afterAll(() => server.close());

  it('openai: Bearer key enforced, OpenAI error body on a wrong key, list shape', async () => {
    const fp = server.add('oa', { kind: 'openai', apiKey: 'sk-right-key-123456', models: ['gpt-4o'] });
    const wrong = await get(`${fp.baseUrl}/models`, { authorization: 'Bearer sk-wrong-key-654321' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      error: expect.objectContaining({
        type: 'invalid_request_error',
        code: 'invalid_api_key',
        message: expect.stringContaining('sk-***'),
      }),
    });
    const ok = await get(`${fp.baseUrl}/models`, { authorization: 'Bearer sk-right-key-123456' });
    expect(await ok.json()).toEqual({
      object: 'list',
      data: [{ id: 'gpt-4o', object: 'model', created: expect.any(Number), owned_by: 'system' }],
    });
    expect(fp.requests().map((r) => r.headers.authorization)).toEqual(['Bearer sk-wrong-key-654321', 'Bearer sk-right-key-123456']);
  });

  it('anthropic: x-api-key and anthropic-version required, default page of 20, aliases resolve', async () => {
    const models = Array.from({ length: 22 }, (_, i) => `claude-${i}`);
    const fp = server.add('an', { kind: 'anthropic', apiKey: 'k-anthropic', models, aliases: { 'claude-latest': 'claude-0' } });
    expect((await get(`${fp.baseUrl}/v1/models`, { authorization: 'Bearer k-anthropic' })).status).toBe(401);
    const noVersion = await get(`${fp.baseUrl}/v1/models`, { 'x-api-key': 'k-anthropic' });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.any(String) } });

    const headers = { 'x-api-key': 'k-anthropic', 'anthropic-version': '2023-06-01' };
    const page = (await (await get(`${fp.baseUrl}/v1/models`, headers)).json()) as { data: unknown[]; has_more: boolean; last_id: string };
    expect([page.data.length, page.has_more, page.last_id]).toEqual([20, true, 'claude-19']);
    const next = (await (await get(`${fp.baseUrl}/v1/models?after_id=claude-19`, headers)).json()) as {
      data: unknown[];
      has_more: boolean;
    };
    expect([next.data.length, next.has_more]).toEqual([2, false]);
    expect(await (await get(`${fp.baseUrl}/v1/models/claude-latest`, headers)).json()).toMatchObject({ type: 'model', id: 'claude-0' });
    expect((await get(`${fp.baseUrl}/v1/models/claude-9000`, headers)).status).toBe(404);
  });

  it('ollama: no auth, tags shape', async () => {
    const fp = server.add('ol', { kind: 'ollama', apiKey: 'ignored', models: ['llama3.1:latest'] });
    expect(await (await get(`${fp.baseUrl}/api/tags`)).json()).toEqual({
      models: [expect.objectContaining({ name: 'llama3.1:latest', model: 'llama3.1:latest' })],
    });
  });

  it('openrouter: /key needs the key, /models is public', async () => {
    const fp = server.add('or', { kind: 'openrouter', apiKey: 'sk-or-v1-right', models: ['openai/gpt-4o'] });
    const noKey = await get(`${fp.baseUrl}/key`);
    expect([noKey.status, await noKey.json()]).toEqual([401, { error: { message: 'No auth credentials found', code: 401 } }]);
    const key = await get(`${fp.baseUrl}/key`, { authorization: 'Bearer sk-or-v1-right' });
    expect(await key.json()).toEqual({ data: expect.objectContaining({ usage: 0, limit: null, limit_remaining: null }) });
    expect((await get(`${fp.baseUrl}/models`)).status).toBe(200);
  });

  it('modes: 429 with retry-after, redirect, broken JSON, per-route override', async () => {
    const fp = server.add('modes', { kind: 'openai', models: [] });
    fp.setMode({ type: 'rate_limited', retryAfterSeconds: 7 });
    const limited = await get(`${fp.baseUrl}/models`);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    fp.setMode({ type: 'redirect', location: 'http://other.example:8080/v1/models' });
    const moved = await get(`${fp.baseUrl}/models`);
    expect([moved.status, moved.headers.get('location')]).toEqual([302, 'http://other.example:8080/v1/models']);
    fp.setMode('broken_json', '/v1/models');
    await expect((await get(`${fp.baseUrl}/models`)).json()).rejects.toThrow();
  });

  it('close() ends hanging and slow requests at once, so jest can exit', async () => {
    const own = new FakeProviderServer();
    await own.start();
    const hang = own.add('h', { kind: 'ollama', mode: 'hang' });
    const slow = own.add('s', { kind: 'ollama', mode: { type: 'slow', delayMs: 60_000 } });
    const pending = [get(`${hang.baseUrl}/api/tags`), get(`${slow.baseUrl}/api/tags`)].map((p) =>
      p.then(
        () => 'answered',
        () => 'dropped',
      ),
    );
    while (own.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(own.openRequests()).toHaveLength(2);

    // A 60 s hang that close() did not cut would end this test by its timeout, not by a clock check.
    await own.close();
    expect(await Promise.all(pending)).toEqual(['dropped', 'dropped']);
  });

  it('serves many providers from one server', async () => {
    const many = Array.from({ length: 40 }, (_, i) => server.add(`p${i}`, { kind: 'ollama', models: [`m${i}`] }));
    const bodies = await Promise.all(many.map(async (fp) => (await get(`${fp.baseUrl}/api/tags`)).json()));
    expect(bodies.map((b) => (b as { models: { name: string }[] }).models[0].name)).toEqual(many.map((_, i) => `m${i}`));
  });

  it('authErrorBody answers a wrong key with the body built from what was presented; a 5xx can carry a body of its own', async () => {
    const fp = server.add('echoing', {
      kind: 'anthropic',
      apiKey: 'right-key',
      authErrorBody: (presented) => `no such key: ${presented.slice(-4)}`,
    });
    const wrong = await get(`${fp.baseUrl}/v1/models`, { 'x-api-key': 'wrong-key-1234', 'anthropic-version': '2023-06-01' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toBe('text/plain');
    expect(await wrong.text()).toBe('no such key: 1234');
    expect((await get(`${fp.baseUrl}/v1/models`, { 'x-api-key': 'right-key', 'anthropic-version': '2023-06-01' })).status).toBe(200);

    const json = server.add('echoing-json', {
      kind: 'openai',
      apiKey: 'right-key',
      authErrorBody: (presented) => ({ error: { code: presented } }),
    });
    expect(await (await get(`${json.baseUrl}/models`, { authorization: 'Bearer abc' })).json()).toEqual({ error: { code: 'abc' } });

    const broken = server.add('broken-body', { kind: 'openai', mode: { type: 'server_error', status: 502, body: 'upstream said no' } });
    const reply = await get(`${broken.baseUrl}/models`);
    expect([reply.status, await reply.text()]).toEqual([502, 'upstream said no']);
  });

  it('model calls: OpenAI chat completions plain and as SSE (usage chunk, [DONE]), embeddings, auth on POST', async () => {
    const fp = server.add('calls-oa', { kind: 'openai', apiKey: 'sk-calls-key', reply: 'Two words.' });
    const post = (path: string, body: object, key = 'sk-calls-key') =>
      fetch(`${fp.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    expect((await post('/chat/completions', { model: 'm' }, 'sk-wrong')).status).toBe(401);
    const plain = await (await post('/chat/completions', { model: 'gpt-4o', messages: [] })).json();
    expect(plain).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o',
      choices: [{ message: { role: 'assistant', content: 'Two words.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 11, completion_tokens: 2 },
    });

    const streamed = await post('/chat/completions', { model: 'gpt-4o', stream: true, stream_options: { include_usage: true } });
    expect(streamed.headers.get('content-type')).toBe('text/event-stream');
    const events = (await streamed.text()).split('\n\n').filter(Boolean);
    expect(events[events.length - 1]).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, '')));
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? null)).toEqual(['', 'Two ', 'words.', null, null]);
    expect(chunks[chunks.length - 1]).toMatchObject({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 2 } });

    const embeddings = (await (await post('/embeddings', { model: 'e', input: ['a', 'b'] })).json()) as {
      data: Array<{ index: number; embedding: number[] }>;
    };
    expect(embeddings.data.map((d) => [d.index, d.embedding.length])).toEqual([
      [0, 4],
      [1, 4],
    ]);
    expect(
      fp
        .requests()
        .filter((r) => r.method === 'POST')
        .map((r) => r.route),
    ).toEqual(['/v1/chat/completions', '/v1/chat/completions', '/v1/chat/completions', '/v1/embeddings']);
  });

  it('model calls: Anthropic messages as its SSE events; stream_cut breaks a stream off after N content chunks', async () => {
    const fp = server.add('calls-an', { kind: 'anthropic', apiKey: 'k-an', reply: 'One two three.' });
    const headers = { 'x-api-key': 'k-an', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
    const stream = () =>
      fetch(`${fp.baseUrl}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ model: 'c', stream: true }) });

    const names = (await (await stream()).text())
      .split('\n\n')
      .filter(Boolean)
      .map((e) => e.split('\n')[0]);
    expect(names).toEqual([
      'event: message_start',
      'event: content_block_start',
      'event: ping',
      'event: content_block_delta',
      'event: content_block_delta',
      'event: content_block_delta',
      'event: content_block_stop',
      'event: message_delta',
      'event: message_stop',
    ]);

    fp.setMode({ type: 'stream_cut', afterChunks: 1 });
    const cut = await stream();
    expect(cut.status).toBe(200);
    const reader = cut.body!.getReader();
    let text = '';
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return null;
        text += Buffer.from(value).toString('utf8');
      }
    })().catch((error: unknown) => error);
    // undici's TypeError ('terminated'), from another realm than jest's: matched by its message.
    expect((failure as Error).message).toBe('terminated');
    expect(text.match(/event: content_block_delta/g)).toHaveLength(1);
  });

  it('counts TCP connections', async () => {
    const own = new FakeProviderServer();
    await own.start();
    const fp = own.add('c', { kind: 'ollama' });
    expect(own.connectionCount).toBe(0);
    await (await fetch(`${fp.baseUrl}/api/tags`, { headers: { connection: 'close' } })).text();
    expect(own.connectionCount).toBe(1);
    await own.close();
  });

  it('keyLeaks finds any 8-character run of a key piece in its encodings, and nothing in clean text', () => {
    const key = 'Zq7Xw2Lm9PzR4tVb8Nc1Wd6Yf3';
    expect(keyLeaks(`x ${key.slice(3, 11).toUpperCase()} y`, key)).toEqual([key.slice(3, 11).toLowerCase()]);
    expect(keyLeaks(Buffer.from(`u:${key}`).toString('base64'), key).length).toBeGreaterThan(0);
    expect(keyLeaks(Buffer.from(key.slice(2, 14)).toString('hex'), key).length).toBeGreaterThan(0);
    expect(keyLeaks(`HTTP 401 (invalid_api_key) ${key.slice(0, 7)}`, key)).toEqual([]);
  });
});
