/**
 * What probes (and, through the circuit, real calls) observed of a provider. Vocabulary shared by the
 * entities, the snapshot, health, metrics and the edges, so it sits below all of them.
 */
export type HealthStatus = 'unknown' | 'healthy' | 'degraded' | 'unhealthy';

export const HEALTH_STATUSES: readonly HealthStatus[] = ['unknown', 'healthy', 'degraded', 'unhealthy'];
