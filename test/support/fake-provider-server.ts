import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerAnthropicMessages, answerOpenAiChat, answerOpenAiEmbeddings, FAKE_CALL_ROUTES, type StreamPlan } from './fake-model-calls';

/**
 * A real HTTP server on 127.0.0.1 that answers like the documented model-listing APIs of OpenAI,
 * Anthropic, Ollama and OpenRouter, including their auth rules and error bodies, and can be
 * switched per provider and per route to fail in the ways real providers do.
 *
 * Model calls (POST chat completions, embeddings, Anthropic messages, plain and streamed) are
 * answered in the same wire formats by fake-model-calls.ts, under the same modes and auth rules.
 *
 * One server hosts any number of fake providers under path prefixes (`/<name>/…`), so a test of
 * 40 targets starts one server, not 40. `close()` destroys hanging connections so jest can exit.
 */

export type FakeProviderKind = 'openai' | 'anthropic' | 'ollama' | 'openrouter';

export type FakeMode =
  | { type: 'ok' }
  | { type: 'unauthorized' }
  | { type: 'forbidden' }
  | { type: 'rate_limited'; retryAfterSeconds?: number }
  /** `body` replaces the provider's documented error body (a string is sent as text/plain). */
  | { type: 'server_error'; status?: number; body?: string | object }
  | { type: 'hang' }
  | { type: 'slow'; delayMs: number }
  | { type: 'broken_json' }
  | { type: 'redirect'; location: string; status?: 301 | 302 | 303 | 307 | 308 }
  /** Model calls: answer 200, then end the connection abruptly after that many content chunks (0: before the first). */
  | { type: 'stream_cut'; afterChunks: number }
  /** Model calls: answer 200, then send nothing more after that many content chunks, the connection left open. */
  | { type: 'stream_stall'; afterChunks: number }
  /** Model calls: a stream with an event that is not JSON before its event at `atEvent` (0: the first, before any output), the rest as usual. */
  | { type: 'stream_garbage'; atEvent: number };

/** Shorthands for the modes without parameters (and defaults for the others). */
export type FakeModeInput = FakeMode | 'ok' | 'unauthorized' | 'forbidden' | 'rate_limited' | 'server_error' | 'hang' | 'broken_json';

/** Route templates, relative to the provider's prefix, as the providers document them. */
export const FAKE_ROUTES = {
  openai: ['/v1/models'],
  anthropic: ['/v1/models', '/v1/models/:id'],
  ollama: ['/api/tags'],
  openrouter: ['/api/v1/key', '/api/v1/models'],
} as const satisfies Record<FakeProviderKind, readonly string[]>;

export interface FakeProviderOptions {
  kind: FakeProviderKind;
  /** The key the fake accepts; undefined accepts any request (a local OpenAI-compatible server). Ollama ignores it. */
  apiKey?: string;
  /** Model ids (Ollama: names such as `llama3.1:latest`). */
  models?: string[];
  /** Anthropic: alias → model id, resolved by GET /v1/models/{alias} but not listed. */
  aliases?: Record<string, string>;
  /** Mode for every route of this provider unless `routes` overrides it. Default ok. */
  mode?: FakeModeInput;
  routes?: Partial<Record<string, FakeModeInput>>;
  /** Put the presented key verbatim in 401 messages, like a careless compatible server would. */
  echoKeyInErrors?: boolean;
  /**
   * The whole 401 answer to a wrong key, built from the key presented (empty when none): to echo
   * pieces of it in the message, the error type or code, or as plain text (a string is sent as text/plain).
   */
  authErrorBody?: (presentedKey: string) => string | object;
  /** Model calls: the text a chat answer carries (streamed a word per chunk). Default `Hello from <name>.` */
  reply?: string;
  /** Model calls: the input tokens answers report (output tokens: one per streamed word). Default 11. */
  inputTokens?: number;
  /** Embeddings: vector length. Default 4. */
  dimensions?: number;
  /** OpenRouter GET /key fields. */
  keyInfo?: { label?: string; usage?: number; limit?: number | null; limit_remaining?: number | null };
}

export interface RecordedRequest {
  provider: string | null;
  method: string;
  /** Full path as received, prefix and query included. */
  path: string;
  /** Route template it matched (e.g. `/v1/models/:id`), or null. */
  route: string | null;
  headers: IncomingHttpHeaders;
  receivedAt: number;
  /** The client's port: two requests with the same one came over one kept-alive connection. */
  clientPort: number | undefined;
  /** Set when the response ended or the client went away (a hang ends only the latter way). */
  closedAt: number | null;
  answered: boolean;
  /** A model call's JSON body, parsed (undefined for GET requests). */
  body?: unknown;
}

export interface FakeProvider {
  readonly name: string;
  readonly kind: FakeProviderKind;
  /** The base URL a catalog would configure for this kind (OpenAI `…/v1`, OpenRouter `…/api/v1`). */
  readonly baseUrl: string;
  setMode(mode: FakeModeInput, route?: string): void;
  setModels(models: string[]): void;
  requests(): RecordedRequest[];
}

interface ProviderState {
  name: string;
  options: FakeProviderOptions;
  mode: FakeMode;
  routes: Map<string, FakeMode>;
  models: string[];
}

export class FakeProviderServer {
  private readonly server: Server = createServer((req, res) => this.handle(req, res));
  private readonly providers = new Map<string, ProviderState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly recorded: RecordedRequest[] = [];
  private origin: string | null = null;

  private connections = 0;

  /** TCP connections accepted so far: zero proves a client sent nothing at all. */
  get connectionCount(): number {
    return this.connections;
  }

  async start(): Promise<{ url: string; port: number }> {
    this.server.on('connection', () => this.connections++);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${port}`;
    return { url: this.origin, port };
  }

  get url(): string {
    if (!this.origin) throw new Error('FakeProviderServer not started');
    return this.origin;
  }

  /** Registers a fake provider served under `/<name>`. */
  add(name: string, options: FakeProviderOptions): FakeProvider {
    if (!/^[a-z0-9_-]+$/i.test(name)) throw new Error(`fake provider name must be a path segment: ${name}`);
    const state: ProviderState = {
      name,
      options,
      mode: toMode(options.mode ?? 'ok'),
      routes: new Map(Object.entries(options.routes ?? {}).map(([route, mode]) => [route, toMode(mode ?? 'ok')])),
      models: [...(options.models ?? [])],
    };
    this.providers.set(name, state);
    const suffix = { openai: '/v1', anthropic: '', ollama: '', openrouter: '/api/v1' }[options.kind];
    return {
      name,
      kind: options.kind,
      baseUrl: `${this.url}/${name}${suffix}`,
      // Without a route: the mode for the whole provider, dropping earlier per-route overrides.
      setMode: (mode, route) => {
        if (route) {
          state.routes.set(route, toMode(mode));
          return;
        }
        state.mode = toMode(mode);
        state.routes.clear();
      },
      setModels: (models) => {
        state.models = [...models];
      },
      requests: () => this.recorded.filter((r) => r.provider === name),
    };
  }

  /** Every request received, in order, including ones for unknown paths. */
  get requests(): RecordedRequest[] {
    return this.recorded;
  }

  /** Requests whose response is still open (hanging, or slow and not yet answered). */
  openRequests(): RecordedRequest[] {
    return this.recorded.filter((r) => r.closedAt === null);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Ends keep-alive sockets and hanging requests, which server.close() alone would wait for.
    this.server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const [, name = '', ...rest] = url.pathname.split('/');
    const state = this.providers.get(name);
    const subPath = `/${rest.join('/')}`;
    const match = state ? matchRoute(state.options.kind, subPath) : null;
    const record: RecordedRequest = {
      provider: state ? name : null,
      method: req.method ?? '',
      path: `${url.pathname}${url.search}`,
      route: match?.route ?? null,
      headers: req.headers,
      receivedAt: Date.now(),
      clientPort: req.socket.remotePort,
      closedAt: null,
      answered: false,
    };
    this.recorded.push(record);
    res.on('close', () => {
      record.closedAt = Date.now();
      record.answered = res.writableFinished;
    });

    if (!state) return send(res, 404, { error: 'no such fake provider' });
    const kind = state.options.kind;
    const callRoute = (FAKE_CALL_ROUTES[kind] as readonly string[]).includes(subPath) ? subPath : null;
    if (req.method === 'POST' && callRoute) {
      record.route = callRoute;
      return void readJson(req).then((body) => {
        record.body = body;
        this.respond(state, { route: callRoute, params: {} }, url, req, res, body);
      });
    }
    if (!match || req.method !== 'GET')
      return send(res, 404, errorBody(kind, 404, 'not_found_error', `Unknown route ${req.method} ${subPath}`));
    this.respond(state, match, url, req, res, undefined);
  }

  /** The provider's mode and auth rules, then its answer (a model call's when `body` is its request). */
  private respond(state: ProviderState, match: RouteMatch, url: URL, req: IncomingMessage, res: ServerResponse, body: unknown): void {
    const kind = state.options.kind;
    const mode = state.routes.get(match.route) ?? state.mode;
    switch (mode.type) {
      case 'hang':
        return; // never answered; close() or the client's abort ends it
      case 'redirect':
        res.writeHead(mode.status ?? 302, { location: mode.location, 'content-type': 'text/plain' });
        return void res.end(`Redirecting to ${mode.location}`);
      case 'server_error': {
        const status = mode.status ?? 500;
        const type = status === 529 ? 'overloaded_error' : status === 503 ? 'service_unavailable' : 'api_error';
        if (mode.body !== undefined) return send(res, status, mode.body);
        return send(
          res,
          status,
          errorBody(kind, status, type, status === 529 ? 'Overloaded' : 'The server had an error while processing your request.'),
        );
      }
      case 'broken_json':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"object":"list","data":[{"id":"gpt-4o","obj');
      case 'unauthorized':
        return send(res, 401, errorBody(kind, 401, 'authentication_error', 'Invalid authentication'));
      default:
        break;
    }

    const authError = checkAuth(state, match.route, req.headers);
    if (authError) return send(res, authError.status, authError.body);

    switch (mode.type) {
      case 'forbidden':
        return send(
          res,
          403,
          errorBody(kind, 403, 'permission_error', 'Your API key does not have permission to use the specified resource.'),
        );
      case 'rate_limited':
        return send(res, 429, errorBody(kind, 429, 'rate_limit_error', 'Rate limit reached for requests'), {
          'retry-after': String(mode.retryAfterSeconds ?? 20),
        });
      case 'slow': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (res.destroyed) return;
          if (body === undefined) answer(state, match, url, res);
          else answerCall(state, match, res, body, undefined);
        }, mode.delayMs);
        this.timers.add(timer);
        return;
      }
      case 'stream_cut':
        if (body !== undefined) return answerCall(state, match, res, body, mode.afterChunks);
        return answer(state, match, url, res);
      case 'stream_stall':
        if (body !== undefined) return answerCall(state, match, res, body, mode.afterChunks, { stall: true });
        return answer(state, match, url, res);
      case 'stream_garbage':
        if (body !== undefined) return answerCall(state, match, res, body, undefined, { garbageAt: mode.atEvent });
        return answer(state, match, url, res);
      default:
        return body === undefined ? answer(state, match, url, res) : answerCall(state, match, res, body, undefined);
    }
  }
}

interface RouteMatch {
  route: string;
  params: Record<string, string>;
}

function matchRoute(kind: FakeProviderKind, path: string): RouteMatch | null {
  for (const route of FAKE_ROUTES[kind]) {
    const want = route.split('/');
    const got = path.split('/');
    if (want.length !== got.length) continue;
    const params: Record<string, string> = {};
    const matches = want.every((part, i) => {
      if (!part.startsWith(':')) return part === got[i];
      params[part.slice(1)] = safeDecode(got[i]);
      return got[i] !== '';
    });
    if (matches) return { route, params };
  }
  return null;
}

/** The documented auth rules, with each provider's own 401/400 answer. */
function checkAuth(state: ProviderState, route: string, headers: IncomingHttpHeaders): { status: number; body: unknown } | null {
  const { kind, apiKey, echoKeyInErrors, authErrorBody } = state.options;
  if (kind === 'ollama' || apiKey === undefined) return null;
  if (kind === 'openrouter' && route === '/api/v1/models') return null; // public listing

  if (authErrorBody) {
    const presented =
      kind === 'anthropic' ? headerValue(headers['x-api-key']) : /^Bearer (.+)$/.exec(headerValue(headers.authorization) ?? '')?.[1];
    return presented === apiKey ? null : { status: 401, body: authErrorBody(presented ?? '') };
  }

  if (kind === 'anthropic') {
    const presented = headerValue(headers['x-api-key']);
    if (presented !== apiKey) {
      const message = echoKeyInErrors && presented ? `invalid x-api-key ${presented}` : 'invalid x-api-key';
      return { status: 401, body: errorBody(kind, 401, 'authentication_error', message) };
    }
    if (!headers['anthropic-version']) {
      return { status: 400, body: errorBody(kind, 400, 'invalid_request_error', 'anthropic-version: header is required') };
    }
    return null;
  }

  const authorization = headerValue(headers.authorization);
  const presented = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  if (presented === apiKey) return null;
  if (kind === 'openrouter') {
    return { status: 401, body: errorBody(kind, 401, 'unauthorized', presented ? 'User not found.' : 'No auth credentials found') };
  }
  const message = !presented
    ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
    : `Incorrect API key provided: ${echoKeyInErrors ? presented : maskKey(presented)}. You can find your API key at https://platform.openai.com/account/api-keys.`;
  return { status: 401, body: errorBody(kind, 401, 'invalid_request_error', message, 'invalid_api_key') };
}

function answer(state: ProviderState, match: RouteMatch, url: URL, res: ServerResponse): void {
  const { kind } = state.options;
  const created = 1_700_000_000;
  switch (`${kind} ${match.route}`) {
    case 'openai /v1/models':
      return send(res, 200, { object: 'list', data: state.models.map((id) => ({ id, object: 'model', created, owned_by: 'system' })) });
    case 'anthropic /v1/models': {
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 20) || 20));
      const afterId = url.searchParams.get('after_id');
      const start = afterId ? state.models.indexOf(afterId) + 1 : 0;
      const page = state.models.slice(start, start + limit).map((id) => anthropicModel(id));
      return send(res, 200, {
        data: page,
        has_more: start + limit < state.models.length,
        first_id: page[0]?.id ?? null,
        last_id: page[page.length - 1]?.id ?? null,
      });
    }
    case 'anthropic /v1/models/:id': {
      const id = state.options.aliases?.[match.params.id] ?? match.params.id;
      if (!state.models.includes(id)) return send(res, 404, errorBody(kind, 404, 'not_found_error', `model: ${match.params.id}`));
      return send(res, 200, anthropicModel(id));
    }
    case 'ollama /api/tags':
      return send(res, 200, {
        models: state.models.map((name) => ({
          name,
          model: name,
          modified_at: '2025-01-01T00:00:00Z',
          size: 4_661_224_676,
          digest: 'sha256:0000',
          details: { format: 'gguf', family: 'llama', parameter_size: '8.0B', quantization_level: 'Q4_K_M' },
        })),
      });
    case 'openrouter /api/v1/key': {
      const info = state.options.keyInfo ?? {};
      return send(res, 200, {
        data: {
          label: info.label ?? 'sk-or-v1-abc...xyz',
          usage: info.usage ?? 0,
          limit: info.limit ?? null,
          is_free_tier: false,
          limit_remaining: info.limit_remaining ?? null,
          rate_limit: { requests: 200, interval: '10s' },
        },
      });
    }
    case 'openrouter /api/v1/models':
      return send(res, 200, {
        data: state.models.map((id) => ({
          id,
          name: id,
          created,
          context_length: 128_000,
          pricing: { prompt: '0.000001', completion: '0.000002' },
        })),
      });
    default:
      return send(res, 404, { error: 'unhandled fake route' });
  }
}

/** A model call's answer in the provider's wire format; `cutAfterChunks` breaks it off (streams, or a plain answer before its body). */
function answerCall(
  state: ProviderState,
  match: RouteMatch,
  res: ServerResponse,
  body: unknown,
  cutAfterChunks: number | undefined,
  { stall = false, garbageAt }: Omit<StreamPlan, 'cutAfterChunks'> = {},
): void {
  const request = (typeof body === 'object' && body !== null ? body : {}) as { stream?: boolean };
  if (cutAfterChunks !== undefined && !request.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    return void res.socket?.destroy();
  }
  const answer = {
    reply: state.options.reply ?? `Hello from ${state.name}.`,
    inputTokens: state.options.inputTokens ?? 11,
    dimensions: state.options.dimensions ?? 4,
  };
  const plan = { cutAfterChunks, stall, garbageAt };
  if (match.route.endsWith('/embeddings')) return answerOpenAiEmbeddings(res, request, answer);
  if (state.options.kind === 'anthropic') return answerAnthropicMessages(res, request, answer, plan);
  return answerOpenAiChat(res, request, answer, plan);
}

/** A request body as JSON; anything unreadable as an empty object (the answer is then a default one). */
function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => resolve({}));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve({});
      }
    });
  });
}

function anthropicModel(id: string) {
  return { type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' };
}

/** The error body each provider documents for a failed request. */
function errorBody(kind: FakeProviderKind, status: number, type: string, message: string, code?: string): unknown {
  switch (kind) {
    case 'anthropic':
      return { type: 'error', error: { type, message } };
    case 'ollama':
      return { error: message };
    case 'openrouter':
      return { error: { message, code: status } };
    case 'openai':
      return { error: { message, type, param: null, code: code ?? null } };
  }
}

/** OpenAI shows the first few and last four characters of a wrong key. */
function maskKey(key: string): string {
  return key.length <= 8 ? '*'.repeat(key.length) : `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** JSON, or a string body as it is (text/plain): the fake's own bodies are never strings. */
function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain' : 'application/json';
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function toMode(input: FakeModeInput): FakeMode {
  return typeof input === 'string' ? { type: input } : input;
}

/** The shortest piece of a key that must not survive in stored text (as removeKeyFragments promises). */
export const KEY_PIECE = 8;

/** Each way servers echo a piece of the key they were sent. */
export const KEY_ECHO_ENCODINGS: Readonly<Record<string, (piece: string) => string>> = {
  plain: (p) => p,
  upper: (p) => p.toUpperCase(),
  lower: (p) => p.toLowerCase(),
  base64: (p) => Buffer.from(p).toString('base64'),
  base64Upper: (p) => Buffer.from(p.toUpperCase()).toString('base64'),
  base64url: (p) => Buffer.from(p).toString('base64url'),
  basic: (p) => Buffer.from(`someone:${p}`).toString('base64'),
  basicShifted: (p) => Buffer.from(`ab:${p}`).toString('base64'),
  url: (p) => encodeURIComponent(p),
  urlBase64: (p) => encodeURIComponent(Buffer.from(p).toString('base64')),
  hex: (p) => Buffer.from(p).toString('hex'),
  hexUpper: (p) => Buffer.from(p).toString('hex').toUpperCase(),
};

/** Every piece of `key` of KEY_PIECE characters or more, in every encoding: [encoding, echoed text]. */
export function* keyEchoes(key: string): Generator<[string, string]> {
  for (let start = 0; start < key.length; start++) {
    for (let end = start + KEY_PIECE; end <= key.length; end++) {
      for (const [name, encode] of Object.entries(KEY_ECHO_ENCODINGS)) yield [name, encode(key.slice(start, end))];
    }
  }
}

/**
 * The part of an echo made of the key alone. base64 encodes 3 bytes per 4 characters: the groups
 * that also hold the user name (Basic) or the padding are not key material on their own.
 */
function keyPartOf(encoding: string, echoed: string): string {
  if (!/base64|basic/i.test(encoding)) return echoed;
  const prefix = encoding === 'basic' ? 'someone:'.length : encoding === 'basicShifted' ? 'ab:'.length : 0;
  const body = decodeURIComponent(echoed).replace(/=+$/, '');
  return body.slice(Math.ceil(prefix / 3) * 4, body.length - (body.length % 4));
}

const forbiddenRunsCache = new Map<string, Set<string>>();

/**
 * The brute-force check for stored text: every KEY_PIECE-long run of every encoding of every piece of
 * the key, compared case-insensitively; returns the runs found in `text` (empty when it is clean).
 */
export function keyLeaks(text: string, key: string): string[] {
  let runs = forbiddenRunsCache.get(key);
  if (!runs) {
    runs = new Set<string>();
    for (const [encoding, echoed] of keyEchoes(key)) {
      const body = keyPartOf(encoding, echoed).toLowerCase();
      for (let i = 0; i + KEY_PIECE <= body.length; i++) runs.add(body.slice(i, i + KEY_PIECE));
    }
    forbiddenRunsCache.set(key, runs);
  }
  const lower = text.toLowerCase();
  const found: string[] = [];
  for (let i = 0; i + KEY_PIECE <= lower.length; i++)
    if (runs.has(lower.slice(i, i + KEY_PIECE))) found.push(lower.slice(i, i + KEY_PIECE));
  return found;
}
