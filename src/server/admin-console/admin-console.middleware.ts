import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { consoleSecurityHeaders } from './console-headers';
import { consoleTarget } from './console-path';

/** Where `vite build` puts the console: dist/admin, from src/server/admin-console (ts) and dist/server/admin-console (built) alike. */
export const CONSOLE_DIR = path.resolve(__dirname, '..', '..', '..', 'dist', 'admin');

const YEAR_SECONDS = 365 * 24 * 3600;

/** The parts of Express's request and response used here (Express itself ships no types in this project). */
type ConsoleRequest = IncomingMessage & { originalUrl?: string };
type ConsoleResponse = ServerResponse & {
  sendFile(file: string, options: { cacheControl?: boolean; headers?: Record<string, string> }, done: (error?: Error) => void): void;
};

/** Serves the built console at /admin with its security headers; every console route gets index.html. */
@Injectable()
export class AdminConsoleMiddleware implements NestMiddleware {
  use(request: ConsoleRequest, response: ConsoleResponse, next: (error?: unknown) => void): void {
    consoleSecurityHeaders(request, response, (error?: unknown) => {
      if (error) return next(error);
      this.serve(request, response);
    });
  }

  private serve(request: ConsoleRequest, response: ConsoleResponse): void {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return plain(response, 405, 'Method not allowed');
    }
    const target = consoleTarget(new URL(request.originalUrl ?? request.url ?? '/', 'http://console').pathname);
    const index = path.join(CONSOLE_DIR, 'index.html');
    if (!fs.existsSync(index)) return plain(response, 503, 'The admin console has not been built: run `npm run build`.');
    switch (target.kind) {
      case 'page':
        // Always revalidated: a new build's index.html names its new hashed assets at once.
        return send(response, index, 'no-cache');
      case 'asset':
        return send(response, path.join(CONSOLE_DIR, target.file), `public, max-age=${YEAR_SECONDS}, immutable`);
      case 'static':
        return send(response, path.join(CONSOLE_DIR, target.file), 'public, max-age=3600');
      case 'not-found':
        return plain(response, 404, 'Not found');
    }
  }
}

function plain(response: ServerResponse, status: number, text: string): void {
  response.statusCode = status;
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.end(`${text}\n`);
}

/** Express's sendFile (content type, ETag, conditional GET) with our Cache-Control instead of its max-age. */
function send(response: ConsoleResponse, file: string, cacheControl: string): void {
  if (!fs.existsSync(file)) return plain(response, 404, 'Not found');
  response.sendFile(file, { cacheControl: false, headers: { 'Cache-Control': cacheControl } }, (error) => {
    if (error && !response.headersSent) plain(response, 404, 'Not found');
  });
}
