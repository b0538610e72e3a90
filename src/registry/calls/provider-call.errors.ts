import { DomainError } from '../../common/domain-error';
import { candidateLabel } from '../selection/selection.errors';
import type { CallReport, FailedAttempt } from './call-report';

/**
 * A registry call failed: every candidate of the plan failed in a way worth trying elsewhere, or one
 * failed in a way that is not (a 400: the request itself), or the stream broke after output had
 * begun. Carries the attempts (scrubbed) instead of the provider's raw error, whose body and message
 * can echo the key. It is not an APICallError, so the AI SDK's own retry never walks the plan again.
 */
export class ProviderCallError extends DomainError {
  readonly code = 'PROVIDER_CALL_FAILED';
  readonly kind = 'unavailable';

  constructor(
    message: string,
    /** Every attempt in order, the last one included. */
    readonly attempts: readonly FailedAttempt[],
    readonly skipped: CallReport['skipped'],
  ) {
    super(message);
  }

  /** The last attempt's HTTP status, when the provider answered. */
  get status(): number | null {
    return this.attempts[this.attempts.length - 1]?.status ?? null;
  }
}

export function describeAttempts(attempts: readonly FailedAttempt[]): string {
  return attempts.map((a) => `${a.provider}/${a.model}: ${a.reason}`).join('; ');
}

/** Every candidate of a walk that failed to the end: those tried, then those the plan passed over, each with why. */
export function describeEveryCandidate(attempts: readonly FailedAttempt[], skipped: CallReport['skipped']): string {
  const passedOver = skipped.map(({ provider, model, reason, detail }) => `${candidateLabel(provider, model)}: ${reason} (${detail})`);
  return `every candidate failed: ${describeAttempts(attempts)}${passedOver.length > 0 ? `; passed over: ${passedOver.join('; ')}` : ''}`;
}
