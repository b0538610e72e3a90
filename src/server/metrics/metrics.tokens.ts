/** The prom-client Registry our server exposes (the one ProvidersModule records into). */
export const METRICS_REGISTRY = Symbol('MetricsRegistry');
