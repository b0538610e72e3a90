import { createServer } from 'node:net';
import { runBounded } from '../../src/common/run-bounded';
import { PROBES, runProbe } from '../../src/providers/health/probes/probe-registry';
import type { ProbeKind, ProbeOutcome, ProbeTarget } from '../../src/providers/health/probes/probe.types';
import { FakeProviderKind, FakeProviderServer } from '../support/fake-provider-server';

const KEYS = {
  openai: 'sk-proj-TESTKEYopenai0123456789abcdefSECRET',
  anthropic: 'sk-ant-api03-TESTKEYanthropic0123456789SECRET',
  ollama: 'ollama-proxy-TESTKEY-SECRET',
  openrouter: 'sk-or-v1-TESTKEYopenrouter0123456789SECRET',
} satisfies Record<FakeProviderKind, string>;
const ALL_KEYS = Object.values(KEYS);
const WRONG_KEY = 'sk-wrong-TESTKEY-000000000000000000SECRET';
const PLAIN_KEY = 'hunter2-plain-looking-secret'; // not shaped like an API key: only exact-value redaction can catch it

const fake = new FakeProviderServer();
const elsewhere = new FakeProviderServer(); // a different host:port that redirects point at
const outcomes: ProbeOutcome[] = [];
let seq = 0;

/** Runs the probe through the registry, as the health service will, and keeps the outcome for the key audit. */
async function probe(target: ProbeTarget, timeoutMs = 2000, signal?: AbortSignal): Promise<ProbeOutcome> {
  const outcome = await runProbe(target, { timeoutMs, signal });
  outcomes.push(outcome);
  return outcome;
}

/** A fresh fake provider of a kind (keyed, default models) and a matching probe target. */
function provider(kind: FakeProviderKind, opts: { models?: string[]; catalog?: string[]; probeKind?: ProbeKind } = {}) {
  const fp = fake.add(`${kind}-${++seq}`, { kind, apiKey: kind === 'ollama' ? undefined : KEYS[kind], models: opts.models ?? ['m-1', 'm-2'] });
  const target: ProbeTarget = {
    provider: fp.name,
    kind: opts.probeKind ?? kind,
    baseUrl: fp.baseUrl,
    apiKey: kind === 'ollama' ? undefined : KEYS[kind],
    catalogModelIds: opts.catalog ?? ['m-1'],
  };
  return { fp, target };
}

const KINDS: FakeProviderKind[] = ['openai', 'anthropic', 'ollama', 'openrouter'];
/** The route whose failure fails the probe (OpenRouter: /key; its /models only feeds drift). */
const MAIN_ROUTE: Record<FakeProviderKind, string> = {
  openai: '/v1/models',
  anthropic: '/v1/models',
  ollama: '/api/tags',
  openrouter: '/api/v1/key',
};

beforeAll(async () => {
  await fake.start();
  await elsewhere.start();
});

afterAll(async () => {
  await fake.close();
  await elsewhere.close();
});

describe('health probes against the fake provider server', () => {
  it('registers a probe for every kind', () => {
    expect(Object.keys(PROBES).sort()).toEqual(['anthropic', 'ollama', 'openai', 'openai_compatible', 'openrouter']);
  });

  describe('ok: model count and drift, with the documented request', () => {
    it('openai: GET {base}/models with a Bearer key', async () => {
      const { fp, target } = provider('openai', { models: ['gpt-4o', 'gpt-4o-mini', 'o3'], catalog: ['gpt-4o', 'gpt-4.5-preview', 'gpt-4o'] });
      const outcome = await probe(target);
      expect(outcome).toEqual({ kind: 'ok', latencyMs: expect.any(Number), listedModels: 3, missingModels: ['gpt-4.5-preview'] });
      const [request] = fp.requests();
      expect(request).toMatchObject({ method: 'GET', path: `/${fp.name}/v1/models` });
      expect(request.headers.authorization).toBe(`Bearer ${KEYS.openai}`);
    });

    it('openai_compatible without a key: same endpoint, no Authorization header', async () => {
      const fp = fake.add(`compat-${++seq}`, { kind: 'openai', models: ['Qwen/Qwen2.5-7B-Instruct'] });
      const outcome = await probe({ provider: 'vllm', kind: 'openai_compatible', baseUrl: fp.baseUrl, catalogModelIds: ['Qwen/Qwen2.5-7B-Instruct'] });
      expect(outcome).toMatchObject({ kind: 'ok', listedModels: 1, missingModels: [] });
      expect(fp.requests()[0].headers.authorization).toBeUndefined();
    });

    it('anthropic: GET /v1/models?limit=1000 with x-api-key and anthropic-version; aliases resolved, not reported', async () => {
      // 25 models: more than Anthropic's default page of 20, so the last one is only seen with a larger limit.
      const models = Array.from({ length: 25 }, (_, i) => `claude-model-${i}`);
      const fp = fake.add(`anthropic-${++seq}`, { kind: 'anthropic', apiKey: KEYS.anthropic, models, aliases: { 'claude-latest': 'claude-model-3' } });
      const outcome = await probe({
        provider: 'anthropic',
        kind: 'anthropic',
        baseUrl: fp.baseUrl,
        apiKey: KEYS.anthropic,
        catalogModelIds: ['claude-model-24', 'claude-latest', 'claude-2.0'],
      });
      expect(outcome).toMatchObject({ kind: 'ok', listedModels: 25, missingModels: ['claude-2.0'] });
      const [list, ...lookups] = fp.requests();
      expect(list.path).toBe(`/${fp.name}/v1/models?limit=1000`);
      expect(list.headers['x-api-key']).toBe(KEYS.anthropic);
      expect(list.headers['anthropic-version']).toBe('2023-06-01');
      expect(list.headers.authorization).toBeUndefined();
      expect(lookups.map((r) => r.path).sort()).toEqual([`/${fp.name}/v1/models/claude-2.0`, `/${fp.name}/v1/models/claude-latest`]);
    });

    it('anthropic: a base URL that already ends in /v1 works too', async () => {
      const { target } = provider('anthropic');
      expect(await probe({ ...target, baseUrl: `${target.baseUrl}/v1/` })).toMatchObject({ kind: 'ok', listedModels: 2 });
    });

    it('ollama: GET /api/tags without a key; untagged catalog ids match :latest', async () => {
      const { fp, target } = provider('ollama', {
        models: ['llama3.1:latest', 'qwen2.5:7b', 'hf.co/org/model:Q4_K_M'],
        catalog: ['llama3.1', 'qwen2.5:7b', 'llama3.1:latest', 'mistral', 'hf.co/org/model:Q4_K_M'],
      });
      expect(await probe(target)).toMatchObject({ kind: 'ok', listedModels: 3, missingModels: ['mistral'] });
      expect(fp.requests()[0].path).toBe(`/${fp.name}/api/tags`);
      expect(fp.requests()[0].headers.authorization).toBeUndefined();
      // Ollama's OpenAI-compatible base (…/v1) is probed at the server root.
      expect(await probe({ ...target, baseUrl: `${target.baseUrl}/v1` })).toMatchObject({ kind: 'ok', listedModels: 3 });
    });

    it('openrouter: /key with the key, public /models without it, variants matched', async () => {
      const { fp, target } = provider('openrouter', {
        models: ['openai/gpt-4o', 'anthropic/claude-3.5-sonnet', 'meta-llama/llama-3.1-8b-instruct:free'],
        catalog: ['openai/gpt-4o', 'anthropic/claude-3.5-sonnet:nitro', 'meta-llama/llama-3.1-8b-instruct:free', 'old/retired'],
      });
      expect(await probe(target)).toMatchObject({ kind: 'ok', listedModels: 3, missingModels: ['old/retired'] });
      const byRoute = Object.fromEntries(fp.requests().map((r) => [r.route, r]));
      expect(byRoute['/api/v1/key'].headers.authorization).toBe(`Bearer ${KEYS.openrouter}`);
      expect(byRoute['/api/v1/models'].headers.authorization).toBeUndefined();
    });

    it('openrouter: no catalog models → /models is not fetched, drift unknown', async () => {
      const { fp, target } = provider('openrouter', { catalog: [] });
      expect(await probe(target)).toEqual({ kind: 'ok', latencyMs: expect.any(Number), listedModels: null, missingModels: [] });
      expect(fp.requests().map((r) => r.route)).toEqual(['/api/v1/key']);
    });

    it('openrouter: a failing /models does not fail a working key; drift is unknown', async () => {
      const { fp, target } = provider('openrouter');
      fp.setMode('server_error', '/api/v1/models');
      expect(await probe(target)).toMatchObject({ kind: 'ok', listedModels: null, missingModels: [] });
    });

    it('openrouter: a key with no credit left is auth_failed 402', async () => {
      const fp = fake.add(`openrouter-${++seq}`, {
        kind: 'openrouter',
        apiKey: KEYS.openrouter,
        keyInfo: { usage: 10, limit: 10, limit_remaining: 0 },
      });
      const outcome = await probe({ provider: 'or', kind: 'openrouter', baseUrl: fp.baseUrl, apiKey: KEYS.openrouter, catalogModelIds: [] });
      expect(outcome).toMatchObject({ kind: 'auth_failed', status: 402, detail: 'key credit limit reached (usage 10 of limit 10)' });
    });
  });

  describe.each(['openai', 'anthropic', 'openrouter'] as const)('%s failures', (kind) => {
    it('wrong key → auth_failed 401, the key not in the reason', async () => {
      const { target } = provider(kind);
      const outcome = await probe({ ...target, apiKey: WRONG_KEY });
      expect(outcome).toMatchObject({ kind: 'auth_failed', status: 401 });
      expect(JSON.stringify(outcome)).not.toContain(WRONG_KEY);
    });

    it('no key → auth_failed 401', async () => {
      const { target } = provider(kind);
      expect(await probe({ ...target, apiKey: undefined })).toMatchObject({ kind: 'auth_failed', status: 401 });
    });

    it('403 → auth_failed 403', async () => {
      const { fp, target } = provider(kind);
      fp.setMode('forbidden');
      expect(await probe(target)).toMatchObject({ kind: 'auth_failed', status: 403, detail: expect.stringContaining('HTTP 403') });
    });
  });

  it('the wrong-key messages are the providers\' own, scrubbed', async () => {
    const details: Record<string, string> = {};
    for (const kind of ['openai', 'anthropic', 'openrouter'] as const) {
      const { target } = provider(kind);
      const outcome = await probe({ ...target, apiKey: WRONG_KEY });
      details[kind] = outcome.kind === 'auth_failed' ? outcome.detail : '';
    }
    expect(details).toEqual({
      // OpenAI echoes a masked key; even that is removed.
      openai: 'HTTP 401: Incorrect API key provided: [redacted]. You can find your API key at https://platform.openai.com/account/api-keys.',
      anthropic: 'HTTP 401: invalid x-api-key',
      openrouter: 'HTTP 401: User not found.',
    });
  });

  it('a server that echoes the full key (even one not shaped like a key) never gets it into the reason', async () => {
    for (const kind of ['openai', 'anthropic'] as const) {
      const fp = fake.add(`echo-${++seq}`, { kind, apiKey: 'the-right-key', echoKeyInErrors: true });
      const outcome = await probe({ provider: 'echo', kind, baseUrl: fp.baseUrl, apiKey: PLAIN_KEY, catalogModelIds: [] });
      expect(outcome).toMatchObject({ kind: 'auth_failed', detail: expect.stringContaining('[redacted]') });
      expect(JSON.stringify(outcome)).not.toContain(PLAIN_KEY);
    }
  });

  describe.each(KINDS)('%s: infrastructure failures', (kind) => {
    it('429 → rate_limited with the retry-after', async () => {
      const { fp, target } = provider(kind);
      fp.setMode({ type: 'rate_limited', retryAfterSeconds: 20 }, MAIN_ROUTE[kind]);
      const outcome = await probe(target);
      expect(outcome).toMatchObject({ kind: 'rate_limited', detail: expect.stringMatching(/^HTTP 429: .*\(retry after 20s\)$/) });
    });

    it.each([500, 503, 529])('%i → transient', async (status) => {
      const { fp, target } = provider(kind);
      fp.setMode({ type: 'server_error', status }, MAIN_ROUTE[kind]);
      expect(await probe(target)).toMatchObject({ kind: 'transient', detail: expect.stringContaining(`HTTP ${status}`) });
    });

    it('hang → transient at the timeout, and the connection is released', async () => {
      const { fp, target } = provider(kind);
      fp.setMode('hang');
      const started = Date.now();
      const outcome = await probe(target, 300);
      const elapsed = Date.now() - started;
      expect(outcome).toMatchObject({ kind: 'transient', detail: 'timed out after 300ms' });
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(800);
      await waitFor(() => fp.requests().every((r) => r.closedAt !== null));
      expect(fp.requests().every((r) => !r.answered)).toBe(true);
    });

    it('slow but within the timeout → ok with the latency', async () => {
      const { fp, target } = provider(kind);
      fp.setMode({ type: 'slow', delayMs: 250 });
      const outcome = await probe(target, 3000);
      expect(outcome).toMatchObject({ kind: 'ok' });
      expect(outcome.latencyMs).toBeGreaterThanOrEqual(240);
    });

    it('slower than the timeout → transient timed out', async () => {
      const { fp, target } = provider(kind);
      fp.setMode({ type: 'slow', delayMs: 1500 });
      expect(await probe(target, 200)).toMatchObject({ kind: 'transient', detail: 'timed out after 200ms' });
    });

    it('broken JSON → transient', async () => {
      const { fp, target } = provider(kind);
      fp.setMode('broken_json', MAIN_ROUTE[kind]);
      expect(await probe(target)).toMatchObject({ kind: 'transient', detail: 'HTTP 200 but the body is not valid JSON' });
    });

    it('redirect → not followed; the other host gets no request and never sees the key', async () => {
      const { fp, target } = provider(kind);
      const trap = elsewhere.add(`trap-${++seq}`, { kind, apiKey: 'anything' });
      fp.setMode({ type: 'redirect', location: `${trap.baseUrl}/models`, status: 307 });
      const outcome = await probe(target);
      expect(outcome).toMatchObject({
        kind: 'transient',
        detail: `redirected to 127.0.0.1:${new URL(elsewhere.url).port} (HTTP 307, not followed; fix the base URL)`,
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(elsewhere.requests).toHaveLength(0);
    });

    it('a wrong base path (404) → transient with a hint', async () => {
      const { target } = provider(kind);
      const outcome = await probe({ ...target, baseUrl: `${fake.url}/no-such-provider` });
      expect(outcome).toMatchObject({ kind: 'transient', detail: expect.stringMatching(/^HTTP 404.*check the base URL/) });
    });
  });

  it('ollama behind a proxy that wants a key: 401 → auth_failed, and the given key is sent as Bearer', async () => {
    const { fp, target } = provider('ollama');
    fp.setMode('unauthorized');
    expect(await probe({ ...target, apiKey: KEYS.ollama })).toMatchObject({ kind: 'auth_failed', status: 401 });
    expect(fp.requests()[0].headers.authorization).toBe(`Bearer ${KEYS.ollama}`);
  });

  it('connection refused → transient', async () => {
    const port = await closedPort();
    const outcome = await probe({ provider: 'x', kind: 'openai', baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: KEYS.openai, catalogModelIds: [] });
    expect(outcome).toMatchObject({ kind: 'transient', detail: 'connection refused' });
  });

  it('a TLS error (https to a plain-HTTP server) → transient', async () => {
    const { target } = provider('openai');
    const outcome = await probe({ ...target, baseUrl: target.baseUrl.replace('http:', 'https:') });
    expect(outcome).toMatchObject({ kind: 'transient', detail: expect.stringMatching(/^TLS error/) });
  });

  it('caller cancellation → transient "cancelled", promptly', async () => {
    const { fp, target } = provider('openai');
    fp.setMode('hang');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    expect(await probe(target, 5000, controller.signal)).toMatchObject({ kind: 'transient', detail: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a metadata base URL is refused before any request', async () => {
    const outcome = await probe({ provider: 'x', kind: 'openai', baseUrl: 'http://169.254.169.254/v1', apiKey: KEYS.openai, catalogModelIds: [] });
    expect(outcome).toMatchObject({ kind: 'transient', latencyMs: 0, detail: expect.stringContaining('is not allowed: link-local') });
  });

  it('an unknown kind → transient, no throw', async () => {
    const outcome = await probe({ provider: 'x', kind: 'gemini' as ProbeKind, baseUrl: fake.url, catalogModelIds: [] });
    expect(outcome).toEqual({ kind: 'transient', latencyMs: 0, detail: 'no health probe for provider kind "gemini"' });
  });

  it('measurement: 40 targets, 10 hanging, timeout 1000ms, concurrency 8', async () => {
    const timeoutMs = 1000;
    const concurrency = 8;
    const targets = Array.from({ length: 40 }, (_, i) => {
      const { fp, target } = provider(KINDS[i % 4]);
      if (i % 4 === 1) fp.setMode('hang'); // 10 hanging, spread over the list
      return target;
    });
    const started = Date.now();
    const results = await runBounded(targets, concurrency, (target) => probe(target, timeoutMs));
    const elapsed = Date.now() - started;
    const settled = results.map((r) => (r.status === 'fulfilled' ? r.value : null));
    const okLatencies = settled.filter((o): o is ProbeOutcome => o?.kind === 'ok').map((o) => o.latencyMs);
    const sequentialEstimate = 10 * timeoutMs + okLatencies.reduce((a, b) => a + b, 0);

    expect(settled.filter((o) => o?.kind === 'ok')).toHaveLength(30);
    expect(settled.filter((o) => o?.kind === 'transient' && o.detail === `timed out after ${timeoutMs}ms`)).toHaveLength(10);
    // Lower bound: 10 hangs over 8 slots need two timeout rounds. Upper bound is generous.
    expect(elapsed).toBeGreaterThanOrEqual(2 * timeoutMs - 50);
    expect(elapsed).toBeLessThan(4 * timeoutMs);
    // Every hung connection is dropped by the client side; the close reaches the server a tick later.
    await waitFor(() => fake.openRequests().length === 0);
    const releasedAfter = Date.now() - started - elapsed;
    console.log(
      `health probe measurement: 40 targets (10 hanging), timeout ${timeoutMs}ms, concurrency ${concurrency}: ` +
        `elapsed ${elapsed}ms vs sequential estimate ${sequentialEstimate}ms ` +
        `(ok latency max ${Math.max(...okLatencies)}ms, mean ${Math.round(okLatencies.reduce((a, b) => a + b, 0) / okLatencies.length)}ms); ` +
        `all hung connections released on the server within ${releasedAfter}ms of the run`,
    );
  });

  // Declared last, so it runs after every other test here (jest runs a file's tests in order).
  it('no reason produced in this file contains any key', () => {
    const text = JSON.stringify(outcomes);
    expect(outcomes.length).toBeGreaterThan(50);
    for (const key of [...ALL_KEYS, WRONG_KEY, PLAIN_KEY]) expect(text).not.toContain(key);
    expect(text).not.toContain('TESTKEY');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 1000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A port nothing listens on: bind, read it, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
