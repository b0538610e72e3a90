import { Counter, Gauge } from 'prom-client';
import { RegistryMetrics } from '../metrics/registry-metrics';

/** The request log writer's figures, in the registry's Registry beside the usage flush's. */
export class RequestLogMetrics {
  readonly written: Counter;
  readonly dropped: Counter;
  readonly flushFailures: Counter;
  readonly pending: Gauge;

  constructor(metrics: RegistryMetrics, pendingRows: () => number) {
    const registers = [metrics.registry];
    // As RegistryMetrics: the module built last owns the names.
    const fresh = (name: string) => {
      metrics.registry.removeSingleMetric(name);
      return { name, registers };
    };
    this.written = new Counter({ ...fresh('ai_registry_request_log_written_total'), help: 'Request log rows written by this instance' });
    this.dropped = new Counter({
      ...fresh('ai_registry_request_log_dropped_total'),
      help: 'Request log rows this instance dropped, the oldest first, because its buffer was full (the database did not keep up)',
    });
    this.flushFailures = new Counter({
      ...fresh('ai_registry_request_log_flush_failures_total'),
      help: 'Request log flushes that failed (and were retried with the same rows)',
    });
    this.pending = new Gauge({
      ...fresh('ai_registry_request_log_pending_rows'),
      help: 'Request log rows buffered by this instance and not yet known to be written',
      collect() {
        this.set(pendingRows());
      },
    });
  }
}
