import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, NestMiddleware } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { methodLabel, routeLabel } from './route-label';

/** HTTP requests of our server, by method, route template and status. */
export class HttpMetrics {
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    const labelNames = ['method', 'route', 'status'] as const;
    this.requests = new Counter({
      name: 'ai_registry_http_requests_total',
      help: 'HTTP requests answered',
      labelNames,
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'ai_registry_http_request_duration_seconds',
      help: 'HTTP request latency, until the response was written',
      labelNames,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    });
  }
}

/** Times every request; labels are taken once the response is written, when Express knows the route it matched. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: HttpMetrics) {}

  use(req: IncomingMessage & { route?: { path?: unknown } }, res: ServerResponse, next: () => void): void {
    const started = process.hrtime.bigint();
    const before = req.route;
    res.once('finish', () => {
      const labels = { method: methodLabel(req.method), route: routeLabel(req.route, before), status: String(res.statusCode) };
      this.metrics.requests.inc(labels);
      this.metrics.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  }
}
