import type { HealthStatus } from '../api/types';
import { HEALTH_LABELS } from '../format';

/** Status in words and a symbol, with colour only as a third cue. */
export function HealthBadge({ status }: { status: HealthStatus }) {
  const { label, symbol } = HEALTH_LABELS[status];
  return (
    <span class={`badge badge-${status}`} data-health={status}>
      <span aria-hidden="true">{symbol}</span> {label}
    </span>
  );
}
