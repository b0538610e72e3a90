import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Registry } from 'prom-client';
import { AuthFailures } from '../auth/auth-failures';
import { UnauthenticatedError } from '../auth/auth.errors';
import { explainListenError } from '../../common/listen-errors';
import { AppConfig } from '../../config/app-config';
import { bearerToken } from '../http/bearer-token';
import { isMetricsToken } from './metrics-token';
import { METRICS_REGISTRY } from './metrics.tokens';

/**
 * /metrics on METRICS_PORT: a plain HTTP server beside the API, for a port only the scraper's network
 * reaches. It answers GET /metrics and nothing else; with METRICS_TOKEN set, only to that bearer token.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server: Server | null = null;

  constructor(
    private readonly config: AppConfig,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly failures: AuthFailures,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.METRICS_PORT!;
    const host = this.config.METRICS_HOST ?? this.config.HOST;
    const server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(explainListenError(error, 'METRICS_PORT', host, port) ?? error));
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.logger.log(`Metrics on http://${host}:${(server.address() as AddressInfo).port}/metrics`);
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: this port serves GET /metrics\n');
      return;
    }
    const refused = await this.refusal(req);
    if (refused) {
      res.writeHead(refused.status, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end(`${refused.message}\n`);
      return;
    }
    try {
      const body = await this.registry.metrics();
      res.writeHead(200, { 'content-type': this.registry.contentType }).end(body);
    } catch (error) {
      this.logger.error(`Collecting metrics failed: ${(error as Error).message}`);
      res.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n');
    }
  }

  /** Null when the request may scrape; else how to refuse it. A wrong token costs from the API's per-address budget. */
  private async refusal(req: IncomingMessage): Promise<{ status: number; message: string } | null> {
    const expected = this.config.METRICS_TOKEN;
    if (expected === undefined) return null;
    try {
      await this.failures.counted(req, async () => {
        if (!isMetricsToken(bearerToken(req.headers.authorization), expected)) throw new UnauthenticatedError('METRICS_TOKEN is required');
      });
      return null;
    } catch (error) {
      return error instanceof ThrottlerException
        ? { status: 429, message: error.message }
        : { status: 401, message: 'METRICS_TOKEN is required' };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
