import * as fs from 'node:fs';
import * as path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { setSecurityHeaders } from '../http/security-headers';
import { CONSOLE_HEADERS } from './console-headers';
import { consoleTarget } from './console-path';

/** Where `vite build` puts the console: dist/admin, from src/server/admin-console (ts) and dist/server/admin-console (built) alike. */
export const CONSOLE_DIR = path.resolve(__dirname, '..', '..', '..', 'dist', 'admin');

const YEAR_SECONDS = 365 * 24 * 3600;
const INDEX = 'index.html';

/**
 * The admin console at /admin: the static files `npm run build` makes from admin/, with their own
 * security headers; every console route gets index.html (the page routes itself). The page talks to
 * the documented REST API only, with the operator's token; nothing here reads the registry.
 * Encapsulated: reply.sendFile and the method check exist on these routes only.
 */
export async function adminConsole(fastify: FastifyInstance): Promise<void> {
  // sendFile only (serve: false): which file a path names is consoleTarget's decision, not the folder's.
  await fastify.register(fastifyStatic, { root: CONSOLE_DIR, serve: false, suppressWarning: true });
  const route = { onRequest: [consoleHeaders, onlyReads], handler: serve };
  // /admin and everything below it (/admin/ too: trailing slashes are ignored by the router).
  fastify.all('/admin', route);
  fastify.all('/admin/*', route);
}

/** The console's own security headers (its strict CSP) in place of the API's, on every console answer. */
function consoleHeaders(_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  setSecurityHeaders(reply, CONSOLE_HEADERS);
  done();
}

/** Anything but GET and HEAD is refused before a body is read. */
function onlyReads(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  if (request.method === 'GET' || request.method === 'HEAD') return done();
  void plain(reply.header('allow', 'GET, HEAD'), 405, 'Method not allowed');
}

async function serve(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const target = consoleTarget(new URL(request.url, 'http://console').pathname);
  if (!fs.existsSync(path.join(CONSOLE_DIR, INDEX))) return plain(reply, 503, 'The admin console has not been built: run `npm run build`.');
  switch (target.kind) {
    case 'page':
      // Always revalidated: a new build's index.html names its new hashed assets at once.
      return send(reply, INDEX, 'no-cache');
    case 'asset':
      return send(reply, target.file, `public, max-age=${YEAR_SECONDS}, immutable`);
    case 'static':
      return send(reply, target.file, 'public, max-age=3600');
    case 'not-found':
      return plain(reply, 404, 'Not found');
  }
}

function plain(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(`${text}\n`);
}

/** The file with its content type, ETag, Last-Modified and conditional GET (@fastify/static), and our Cache-Control. */
function send(reply: FastifyReply, file: string, cacheControl: string): FastifyReply {
  if (!fs.existsSync(path.join(CONSOLE_DIR, file))) return plain(reply, 404, 'Not found');
  return reply.header('cache-control', cacheControl).sendFile(file, CONSOLE_DIR, { cacheControl: false });
}
