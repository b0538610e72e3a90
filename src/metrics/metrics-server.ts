import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { explainListenError } from '../common/listen-errors';
import { AppConfig } from '../config/app-config';
import { bearerToken, isMetricsToken } from './metrics-token';
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
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.METRICS_PORT!;
    const host = this.config.METRICS_HOST ?? this.config.HOST;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: this port serves GET /metrics\n');
        return;
      }
      if (this.config.METRICS_TOKEN !== undefined && !isMetricsToken(bearerToken(req.headers.authorization), this.config.METRICS_TOKEN)) {
        res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('METRICS_TOKEN is required\n');
        return;
      }
      this.registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(body),
        (error: Error) => {
          this.logger.error(`Collecting metrics failed: ${error.message}`);
          res.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n');
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(explainListenError(error, 'METRICS_PORT', host, port) ?? error));
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.logger.log(`Metrics on http://${host}:${(server.address() as AddressInfo).port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
