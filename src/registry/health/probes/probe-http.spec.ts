import { createServer, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { failureForStatus, ProbeDeadline, probeGetJson } from './probe-http';

describe(failureForStatus.name, () => {
  it.each([
    [401, 'auth_failed'],
    [403, 'auth_failed'],
    [429, 'rate_limited'],
    [400, 'transient'],
    [404, 'transient'],
    [408, 'transient'],
    [500, 'transient'],
    [502, 'transient'],
    [529, 'transient'],
  ])('%i → %s', (status, kind) => {
    expect(failureForStatus(status, [], null, 5).kind).toBe(kind);
  });

  it('writes short reasons from the status, the error fields, retry-after and hints', () => {
    expect(failureForStatus(401, ['authentication_error'], null, 5)).toEqual({
      kind: 'auth_failed',
      latencyMs: 5,
      status: 401,
      detail: 'HTTP 401 (authentication_error)',
    });
    expect(failureForStatus(429, ['rate_limit_error'], '12', 5).detail).toBe('HTTP 429 (rate_limit_error) (retry after 12s)');
    expect(failureForStatus(429, [], null, 5).detail).toBe('HTTP 429');
    expect(failureForStatus(404, [], null, 5).detail).toBe('HTTP 404 (check the base URL)');
    expect(failureForStatus(401, ['invalid_request_error', 'invalid_api_key'], null, 5).detail).toBe(
      'HTTP 401 (invalid_request_error, invalid_api_key)',
    );
  });
});

describe(ProbeDeadline.name, () => {
  it('expires at the timeout and says so', async () => {
    const deadline = new ProbeDeadline(30);
    expect(deadline.abortReason()).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.timedOut).toBe(true);
    expect(deadline.abortReason()).toBe('timed out after 30ms');
    deadline.dispose();
  });

  it('follows the caller signal, already aborted or later', () => {
    const already = new AbortController();
    already.abort();
    expect(new ProbeDeadline(1000, already.signal).abortReason()).toBe('cancelled');

    const later = new AbortController();
    const deadline = new ProbeDeadline(1000, later.signal);
    later.abort();
    expect(deadline.abortReason()).toBe('cancelled');
    deadline.dispose();
  });

  it('aborts what is still running when disposed, and clears its timer', () => {
    const deadline = new ProbeDeadline(10_000);
    deadline.dispose();
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.timedOut).toBe(false);
  });
});

describe(probeGetJson.name, () => {
  let server: Server;
  let base: string;
  /** Path → bytes the server had written when the client went away, and the body's full length. */
  const sent = new Map<string, { written: number; total: number }>();

  /** A JSON string body of `total` bytes, written only as fast as the client reads it. */
  function streamJsonString(path: string, res: ServerResponse, total: number, announceLength: boolean): void {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let written = 1;
    res.on('close', () => sent.set(path, { written, total }));
    res.writeHead(200, { 'content-type': 'application/json', ...(announceLength ? { 'content-length': total } : {}) });
    res.write('"');
    const write = (): void => {
      while (written < total - 1) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - 1 - written));
        written += piece.length;
        if (!res.write(piece)) return void res.once('drain', write);
      }
      res.end('"');
      written = total;
    };
    write();
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/huge') return streamJsonString(req.url, res, 9 * 1024 * 1024, false); // over the cap, chunked
      if (req.url === '/sized') return streamJsonString(req.url, res, 8 * 1024 * 1024, true); // over the cap, announced
      if (req.url === '/echo-auth') {
        res.writeHead(500, { 'content-type': 'text/plain' });
        return void res.end(`boom, you sent ${req.headers.authorization}`);
      }
      if (req.url === '/drop') return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const get = async (path: string, headers?: Record<string, string>) => {
    const deadline = new ProbeDeadline(5000);
    try {
      return await probeGetJson({ url: `${base}${path}`, headers }, deadline);
    } finally {
      deadline.dispose();
    }
  };

  it('parses a 2xx JSON body', async () => {
    expect(await get('/ok')).toEqual({ kind: 'json', status: 200, latencyMs: expect.any(Number), body: { ok: true } });
  });

  it('stops reading a body at the size cap, and the rest is never sent', async () => {
    expect(await get('/huge')).toMatchObject({
      kind: 'failed',
      status: 200,
      outcome: { kind: 'transient', detail: 'response too large: body over 2 MB not read' },
    });
    await waitFor(() => sent.has('/huge'));
    expect(sent.get('/huge')!.written).toBeLessThan(sent.get('/huge')!.total);
  });

  it('refuses an announced length over the cap before reading, and honours a larger cap', async () => {
    expect(await get('/sized')).toMatchObject({
      kind: 'failed',
      status: 200,
      outcome: { detail: 'response too large: body over 2 MB not read' },
    });
    await waitFor(() => sent.has('/sized'));
    expect(sent.get('/sized')!.written).toBeLessThan(sent.get('/sized')!.total);
    const deadline = new ProbeDeadline(5000);
    try {
      expect(await probeGetJson({ url: `${base}/sized`, maxBytes: 16 * 1024 * 1024 }, deadline)).toMatchObject({
        kind: 'json',
        status: 200,
      });
    } finally {
      deadline.dispose();
    }
  });

  it('scrubs the credentials it sent from a plain-text error body', async () => {
    const reply = await get('/echo-auth', { Authorization: 'Bearer plain-secret-token' });
    expect(reply).toMatchObject({ kind: 'failed', status: 500, outcome: { kind: 'transient' } });
    expect(JSON.stringify(reply)).not.toContain('plain-secret-token');
  });

  it('reports a dropped connection', async () => {
    expect(await get('/drop')).toMatchObject({
      kind: 'failed',
      status: null,
      outcome: { kind: 'transient', detail: 'connection closed by server' },
    });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}
