import { createServer } from 'node:net';
import { runBounded } from '../../../src/common/run-bounded';
import { PROBES, runProbe } from '../../../src/registry/health/probes/probe-registry';
import type { ProbeKind, ProbeOutcome, ProbeTarget } from '../../../src/registry/health/probes/probe.types';
import { classifyProbe } from '../../../src/registry/health/active/classify-probe';
import { EgressPolicy } from '../../../src/registry/egress/egress-policy';
import { ProbeEgress, type Resolver } from '../../../src/registry/egress/probe-egress';
import { FakeProviderKind, FakeProviderServer, keyLeaks } from '../../support/fake-provider-server';
import { printFigure } from '../../support/print-figure';

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
  const fp = fake.add(`${kind}-${++seq}`, {
    kind,
    apiKey: kind === 'ollama' ? undefined : KEYS[kind],
    models: opts.models ?? ['m-1', 'm-2'],
  });
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
      const { fp, target } = provider('openai', {
        models: ['gpt-4o', 'gpt-4o-mini', 'o3'],
        catalog: ['gpt-4o', 'gpt-4.5-preview', 'gpt-4o'],
      });
      const outcome = await probe(target);
      expect(outcome).toEqual({ kind: 'ok', latencyMs: expect.any(Number), listedModels: 3, missingModels: ['gpt-4.5-preview'] });
      const [request] = fp.requests();
      expect(request).toMatchObject({ method: 'GET', path: `/${fp.name}/v1/models` });
      expect(request.headers.authorization).toBe(`Bearer ${KEYS.openai}`);
    });

    it('openai_compatible without a key: same endpoint, no Authorization header', async () => {
      const fp = fake.add(`compat-${++seq}`, { kind: 'openai', models: ['Qwen/Qwen2.5-7B-Instruct'] });
      const outcome = await probe({
        provider: 'vllm',
        kind: 'openai_compatible',
        baseUrl: fp.baseUrl,
        catalogModelIds: ['Qwen/Qwen2.5-7B-Instruct'],
      });
      expect(outcome).toMatchObject({ kind: 'ok', listedModels: 1, missingModels: [] });
      expect(fp.requests()[0].headers.authorization).toBeUndefined();
    });

    it('anthropic: GET /v1/models?limit=1000 with x-api-key and anthropic-version; aliases resolved, not reported', async () => {
      // 25 models: more than Anthropic's default page of 20, so the last one is only seen with a larger limit.
      const models = Array.from({ length: 25 }, (_, i) => `claude-model-${i}`);
      const fp = fake.add(`anthropic-${++seq}`, {
        kind: 'anthropic',
        apiKey: KEYS.anthropic,
        models,
        aliases: { 'claude-latest': 'claude-model-3' },
      });
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
      const outcome = await probe({
        provider: 'or',
        kind: 'openrouter',
        baseUrl: fp.baseUrl,
        apiKey: KEYS.openrouter,
        catalogModelIds: [],
      });
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

  it("a wrong key is reported by status and the provider's error fields, never its message", async () => {
    const details: Record<string, string> = {};
    for (const kind of ['openai', 'anthropic', 'openrouter'] as const) {
      const { target } = provider(kind);
      const outcome = await probe({ ...target, apiKey: WRONG_KEY });
      details[kind] = outcome.kind === 'auth_failed' ? outcome.detail : '';
    }
    expect(details).toEqual({
      openai: 'HTTP 401 (invalid_request_error, invalid_api_key)', // its message echoes a masked key
      anthropic: 'HTTP 401 (authentication_error)',
      openrouter: 'HTTP 401', // its only field is the status again
    });
  });

  it('a server that echoes the full key (even one not shaped like a key) never gets it into the reason', async () => {
    for (const kind of ['openai', 'anthropic'] as const) {
      const fp = fake.add(`echo-${++seq}`, { kind, apiKey: 'the-right-key', echoKeyInErrors: true });
      const outcome = await probe({ provider: 'echo', kind, baseUrl: fp.baseUrl, apiKey: PLAIN_KEY, catalogModelIds: [] });
      expect(outcome).toMatchObject({ kind: 'auth_failed', status: 401 });
      expect(JSON.stringify(outcome)).not.toContain(PLAIN_KEY);
    }
  });

  describe('a server echoing pieces of the key: the stored reason holds none of them', () => {
    // Not shaped like any known key, so only piece removal can catch it.
    const ECHOED_KEY = 'Zq7Xw2Lm9PzR4tVb8Nc1Wd6Yf3Hg5Jk0Ls-Tu9e';
    const PIECES: Record<string, (key: string) => string> = {
      last20: (k) => k.slice(-20),
      middle24Upper: (k) => k.slice(8, 32).toUpperCase(),
      base64Last20: (k) => Buffer.from(k.slice(-20)).toString('base64'),
      basic: (k) => Buffer.from(`apikey:${k}`).toString('base64'),
      urlEncodedMiddle: (k) => encodeURIComponent(k.slice(5, 30)),
      hexMiddle: (k) => Buffer.from(k.slice(10, 22)).toString('hex'),
    };
    /** Where a careless server puts the piece: its message, its error type or code, or a plain-text body. */
    const PLACES: Record<string, (piece: string) => string | object> = {
      message: (piece) => ({ error: { message: `Invalid key ${piece}`, type: 'invalid_request_error', code: 'invalid_api_key' } }),
      type: (piece) => ({ error: { type: piece, code: `key_${piece}` } }),
      anthropicType: (piece) => ({ type: 'error', error: { type: `authentication_error:${piece}`, message: piece } }),
      topLevelCode: (piece) => ({ code: piece, message: piece }),
      plainText: (piece) => `Unauthorized: key ${piece} is not valid`,
    };
    const cases = Object.entries(PIECES).flatMap(([piece, cut]) =>
      Object.entries(PLACES).map(([place, body]) => [piece, place, cut, body] as const),
    );

    it.each(cases)('%s in the %s', async (_piece, _place, cut, body) => {
      const reasons: string[] = [];
      for (const kind of ['openai', 'anthropic', 'openrouter'] as const) {
        const fp = fake.add(`pieces-${++seq}`, { kind, apiKey: 'the-right-key', authErrorBody: (presented) => body(cut(presented)) });
        const outcome = await probe({ provider: 'p', kind, baseUrl: fp.baseUrl, apiKey: ECHOED_KEY, catalogModelIds: [] });
        expect(outcome).toMatchObject({ kind: 'auth_failed', status: 401 });
        reasons.push(classifyProbe(outcome, { consecutiveFailures: 0, unhealthyAfter: 2, degradedMs: 3000 }).reason ?? '');
      }
      expect(reasons.map((reason) => keyLeaks(reason, ECHOED_KEY))).toEqual([[], [], []]);
    });

    it('also in a 5xx body, a redirect location and a TLS or network message', async () => {
      const reasons: string[] = [];
      const target = (fp: { baseUrl: string }): ProbeTarget => ({
        provider: 'p',
        kind: 'openai',
        baseUrl: fp.baseUrl,
        apiKey: ECHOED_KEY,
        catalogModelIds: [],
      });
      const five = fake.add(`pieces-${++seq}`, {
        kind: 'openai',
        mode: { type: 'server_error', status: 500, body: `crash near ${ECHOED_KEY.slice(-20)}` },
      });
      const moved = fake.add(`pieces-${++seq}`, {
        kind: 'openai',
        mode: { type: 'redirect', location: `http://${ECHOED_KEY.slice(0, 24).toLowerCase()}.example/`, status: 302 },
      });
      for (const fp of [five, moved]) {
        const outcome = await probe(target(fp));
        expect(outcome.kind).toBe('transient');
        reasons.push(classifyProbe(outcome, { consecutiveFailures: 0, unhealthyAfter: 2, degradedMs: 3000 }).reason ?? '');
      }
      expect(reasons[1]).toMatch(/^redirected to \[redacted\]\.example/);
      expect(reasons.map((reason) => keyLeaks(reason, ECHOED_KEY))).toEqual([[], []]);
      // The provider's own text (its message, a plain-text body) is never what is stored.
      expect(reasons[0]).toBe('HTTP 500 (failure 1 in a row)');
    });
  });

  describe.each(KINDS)('%s: infrastructure failures', (kind) => {
    it('429 → rate_limited with the retry-after', async () => {
      const { fp, target } = provider(kind);
      fp.setMode({ type: 'rate_limited', retryAfterSeconds: 20 }, MAIN_ROUTE[kind]);
      const outcome = await probe(target);
      expect(outcome).toMatchObject({ kind: 'rate_limited', detail: expect.stringMatching(/^HTTP 429 .*\(retry after 20s\)$/) });
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
      expect(outcome).toMatchObject({ kind: 'transient', detail: 'timed out after 300ms' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
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
    const outcome = await probe({
      provider: 'x',
      kind: 'openai',
      baseUrl: `http://127.0.0.1:${port}/v1`,
      apiKey: KEYS.openai,
      catalogModelIds: [],
    });
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
    // 'cancelled', not 'timed out': it ended at the abort, well before its 5 s budget.
    expect(await probe(target, 5000, controller.signal)).toMatchObject({ kind: 'transient', detail: 'cancelled' });
    await waitFor(() => fp.requests().every((r) => r.closedAt !== null));
  });

  it('a metadata base URL is refused before any request', async () => {
    const outcome = await probe({
      provider: 'x',
      kind: 'openai',
      baseUrl: 'http://169.254.169.254/v1',
      apiKey: KEYS.openai,
      catalogModelIds: [],
    });
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
    const names = new Set(targets.map((t) => t.provider));
    const timeline = fake.requests.filter((r) => names.has(r.provider ?? ''));
    const settled = results.map((r) => (r.status === 'fulfilled' ? r.value : null));
    const okLatencies = settled.filter((o): o is ProbeOutcome => o?.kind === 'ok').map((o) => o.latencyMs);
    const sequentialEstimate = 10 * timeoutMs + okLatencies.reduce((a, b) => a + b, 0);

    expect(settled.filter((o) => o?.kind === 'ok')).toHaveLength(30);
    expect(settled.filter((o) => o?.kind === 'transient' && o.detail === `timed out after ${timeoutMs}ms`)).toHaveLength(10);
    // 10 hangs over 8 slots need two timeout rounds.
    expect(elapsed).toBeGreaterThanOrEqual(2 * timeoutMs - 50);
    // Every hung connection is dropped by the client side; the close reaches the server a tick later.
    await waitFor(() => fake.openRequests().length === 0);
    // Never more than `concurrency` providers in flight, as the server saw it (OpenRouter makes two requests).
    const inFlight = (at: number) =>
      new Set(timeline.filter((r) => r.receivedAt <= at && (r.closedAt ?? Infinity) > at).map((r) => r.provider)).size;
    expect(Math.max(...timeline.map((r) => inFlight(r.receivedAt)))).toBeLessThanOrEqual(concurrency);
    const releasedAfter = Date.now() - started - elapsed;
    printFigure(
      `health probe measurement: 40 targets (10 hanging), timeout ${timeoutMs}ms, concurrency ${concurrency}: ` +
        `elapsed ${elapsed}ms vs sequential estimate ${sequentialEstimate}ms ` +
        `(ok latency max ${Math.max(...okLatencies)}ms, mean ${Math.round(okLatencies.reduce((a, b) => a + b, 0) / okLatencies.length)}ms); ` +
        `all hung connections released on the server within ${releasedAfter}ms of the run`,
    );
  });

  describe('egress: the address a name resolves to is checked before connecting', () => {
    const guarded = new FakeProviderServer(); // counts TCP connections: zero means nothing was sent
    const answers: Record<string, string[]> = {
      'ollama.lan.test': ['127.0.0.1'],
      'rebound.test': ['169.254.169.254'],
      'mapped.test': ['::ffff:169.254.169.254'],
      'mixed.test': ['127.0.0.1', '169.254.169.254'],
    };
    const lookups: string[] = [];
    const resolver: Resolver = (hostname, _options, callback) => {
      lookups.push(hostname);
      const addresses = answers[hostname];
      if (!addresses) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(
        null,
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
    };
    const byDefault = new ProbeEgress(EgressPolicy.DEFAULT, resolver);
    const noLoopback = new ProbeEgress(EgressPolicy.from({ blockedRanges: ['127.0.0.0/8', '::1'] }), resolver);
    const realDns = new ProbeEgress(EgressPolicy.from({ blockedRanges: ['127.0.0.0/8', '::1'] }));
    const oneException = new ProbeEgress(EgressPolicy.from({ blockedRanges: ['127.0.0.0/8'], allowedRanges: ['127.0.0.1'] }), resolver);
    let ollama: ReturnType<FakeProviderServer['add']>;

    beforeAll(async () => {
      await guarded.start();
      ollama = guarded.add('ollama', { kind: 'ollama', models: ['llama3.1:latest'] });
    });

    afterAll(async () => {
      await Promise.all([byDefault, noLoopback, realDns, oneException].map((egress) => egress.close()));
      await guarded.close();
    });

    const at = (host: string) => ({
      provider: 'o',
      kind: 'ollama' as const,
      baseUrl: ollama.baseUrl.replace('127.0.0.1', host),
      catalogModelIds: [],
    });

    it('a private address stays usable by default: the name is looked up by our resolver and reached', async () => {
      expect(await runProbe(at('ollama.lan.test'), { timeoutMs: 2000, egress: byDefault })).toMatchObject({ kind: 'ok', listedModels: 1 });
      expect(lookups).toContain('ollama.lan.test');
      expect(ollama.requests()).toHaveLength(1);
    });

    it.each([
      ['rebound.test', '169.254.169.254', 'link-local / cloud metadata address'],
      ['mapped.test', '::ffff:169.254.169.254', 'link-local / cloud metadata address (169.254.169.254 inside IPv6)'],
      ['mixed.test', '169.254.169.254', 'link-local / cloud metadata address'],
    ])('%s (→ %s) is refused with the reason', async (host, address, reason) => {
      const outcome = await runProbe({ ...at(host), apiKey: KEYS.ollama }, { timeoutMs: 2000, egress: byDefault });
      expect(outcome).toEqual({
        kind: 'transient',
        latencyMs: expect.any(Number),
        detail: `base URL host ${host} resolves to ${address}, which is not allowed: ${reason}`,
      });
    });

    it('a name resolving into a configured blocked range is refused before any byte is sent', async () => {
      const before = guarded.connectionCount;
      const outcome = await runProbe({ ...at('ollama.lan.test'), apiKey: KEYS.ollama }, { timeoutMs: 2000, egress: noLoopback });
      expect(outcome).toMatchObject({
        kind: 'transient',
        detail: 'base URL host ollama.lan.test resolves to 127.0.0.1, which is not allowed: in a blocked range (127.0.0.0/8)',
      });
      expect(guarded.connectionCount).toBe(before);
    });

    it('the system resolver is checked the same way (localhost, from /etc/hosts)', async () => {
      const before = guarded.connectionCount;
      const outcome = await runProbe(at('localhost'), { timeoutMs: 2000, egress: realDns });
      expect(outcome).toMatchObject({
        kind: 'transient',
        detail: expect.stringMatching(/^base URL host localhost resolves to (127\.0\.0\.1|::1), which is not allowed: in a blocked range/),
      });
      expect(guarded.connectionCount).toBe(before);
    });

    it('an IP literal is never looked up, so the text check refuses it, also before connecting', async () => {
      const before = guarded.connectionCount;
      const outcome = await runProbe(at('127.0.0.1'), { timeoutMs: 2000, egress: noLoopback });
      expect(outcome).toEqual({
        kind: 'transient',
        latencyMs: 0,
        detail: 'base URL host 127.0.0.1 is not allowed: in a blocked range (127.0.0.0/8)',
      });
      expect(guarded.connectionCount).toBe(before);
    });

    it('an allowed range is an exception inside a blocked one', async () => {
      expect(await runProbe(at('ollama.lan.test'), { timeoutMs: 2000, egress: oneException })).toMatchObject({ kind: 'ok' });
      expect(await runProbe(at('127.0.0.1'), { timeoutMs: 2000, egress: oneException })).toMatchObject({ kind: 'ok' });
    });
  });

  it('16 concurrent 7.2 MB model lists: each refused as too large, none read to the end', async () => {
    const models = Array.from({ length: 52_000 }, (_, i) => `vendor/some-fairly-long-model-name-variant-${i}-instruct`);
    const fp = fake.add(`huge-${++seq}`, { kind: 'openai', models });
    const target: ProbeTarget = { provider: 'huge', kind: 'openai', baseUrl: fp.baseUrl, catalogModelIds: ['x'] };
    const results = await Promise.all(Array.from({ length: 16 }, () => probe(target, 30_000)));
    expect(results.map((r) => r.kind === 'transient' && r.detail)).toEqual(Array(16).fill('response too large: body over 2 MB not read'));
    await waitFor(() => fp.requests().length === 16 && fp.requests().every((r) => r.closedAt !== null), 10_000);
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
