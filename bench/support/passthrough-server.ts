/**
 * The floor of `npm run bench -- gateway`: the least a gateway on Fastify and undici can do. One route,
 * POST /v1/chat/completions, passed to the upstream (UPSTREAM_BASE_URL, its `/v1`) through a keep-alive
 * undici Pool with the caller's Authorization, and the answer relayed as it arrives: no key check,
 * selection, limits, fallback, accounting or logs. Listens on 127.0.0.1:PORT (0: any free port) and
 * prints `listening <port>` once up. What a gateway adds beyond this is the price of being one.
 * For benchmarks only.
 */
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const upstream = new URL(process.env.UPSTREAM_BASE_URL ?? '');
const pool = new Pool(upstream.origin, { connections: 128 });
const app = Fastify({ logger: false });

app.post('/v1/chat/completions', async (request, reply) => {
  const response = await pool.request({
    path: `${upstream.pathname}/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: request.headers.authorization ?? '' },
    body: JSON.stringify(request.body),
  });
  reply.hijack();
  reply.raw.writeHead(response.statusCode, { 'content-type': String(response.headers['content-type']) });
  for await (const chunk of response.body) reply.raw.write(chunk);
  reply.raw.end();
});

void app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' }).then(() => {
  process.stdout.write(`listening ${(app.server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
