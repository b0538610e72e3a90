import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry } from 'prom-client';
import { methodLabel, routeLabel } from './route-label';

const DURATION = 'ai_registry_http_request_duration_seconds';

/** HTTP requests of our server, by method, route template and status. */
export class HttpMetrics {
  readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    const labelNames = ['method', 'route', 'status'] as const;
    const duration = new Histogram({
      name: DURATION,
      help: 'HTTP request latency, until the response was written',
      labelNames,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    });
    this.duration = duration;
    // ai_registry_http_requests_total: nothing increments it (see collect), so nothing holds it.
    new Counter({
      name: 'ai_registry_http_requests_total',
      help: 'HTTP requests answered',
      labelNames,
      registers: [registry],
      // Every answer is one observation of the histogram above: the count is read from it when
      // scraped rather than kept a second time on every request (prom-client's per-call label work).
      async collect() {
        const { values } = await duration.get();
        this.reset();
        for (const { metricName, labels, value } of values) if (metricName === `${DURATION}_count`) this.inc(labels, value);
      },
    });
  }
}

/**
 * Counts and times every answer, once it is written (Fastify's onResponse hook), labelled with the
 * route template Fastify matched. Fastify measured the time from the request's arrival.
 */
export function countRequests(fastify: FastifyInstance, metrics: HttpMetrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const labels = { method: methodLabel(request.method), route: routeLabel(request), status: String(reply.statusCode) };
    metrics.duration.observe(labels, reply.elapsedTime / 1000);
    done();
  });
}
