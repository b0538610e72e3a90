/**
 * The fake OpenAI upstream of `npm run bench -- gateway`, run as a process of its own so the load
 * generator and the gateways do not share its event loop. A bare `node:http` server on 127.0.0.1:PORT
 * (0: any free port; it prints `listening <port>` once up) that answers POST /v1/chat/completions at
 * once with the tests' OpenAI answers (test/support/fake-model-calls.ts): JSON, or with `stream: true`
 * SSE chunks (the role chunk, a chunk per word, the finish chunk, the usage chunk when
 * `stream_options.include_usage`, then `data: [DONE]`). No key is checked: any caller is answered.
 *
 * GET /bench/stats answers what it served (JSON and streamed calls) and the last call's model and
 * Authorization header, so the bench can check that a gateway really proxied to it, with the key it
 * was meant to send. For benchmarks only.
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerOpenAiChat } from '../../test/support/fake-model-calls';

export interface FakeUpstreamStats {
  json: number;
  streamed: number;
  lastModel: string | null;
  lastAuthorization: string | null;
}

const REPLY = { reply: 'Hello from the fake upstream, six words.', inputTokens: 11, dimensions: 4 };
const stats: FakeUpstreamStats = { json: 0, streamed: 0, lastModel: null, lastAuthorization: null };

function notFound(res: ServerResponse, req: IncomingMessage): void {
  const text = JSON.stringify({ error: { message: `Unknown route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
  res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/bench/stats') {
    const text = JSON.stringify(stats);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    return void res.end(text);
  }
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return notFound(res, req);
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body: { model?: string; stream?: boolean; stream_options?: { include_usage?: boolean } };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      return void res.end('{"error":{"message":"We could not parse the JSON body of your request.","type":"invalid_request_error"}}');
    }
    if (body.stream) stats.streamed++;
    else stats.json++;
    stats.lastModel = body.model ?? null;
    stats.lastAuthorization = req.headers.authorization ?? null;
    answerOpenAiChat(res, body, REPLY, {});
  });
});
// Like a real upstream, keep-alive connections stay open across a pause between rounds.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
