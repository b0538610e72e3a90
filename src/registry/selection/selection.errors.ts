import { DomainError } from '../../common/domain-error';
import { quoteInput, truncateInput } from '../../common/json-guard/text-rules';
import type { ModelType } from '../snapshot/registry-snapshot';
import type { SkippedCandidate } from './selection.types';

/** Base for selection failures; `code` and `kind` are what the HTTP exception filter and CLI switch on. */
export abstract class SelectionError extends DomainError {}

/**
 * No candidate for the request was available. Carries every candidate considered and why it was
 * skipped, so the caller (and the operator reading the log) sees what to switch on or fix.
 */
export class NoAvailableProviderError extends SelectionError {
  readonly code = 'NO_AVAILABLE_PROVIDER';
  readonly kind = 'unavailable';

  constructor(
    readonly modelType: ModelType,
    readonly skipped: readonly SkippedCandidate[],
    readonly operation?: string,
  ) {
    super(noAvailableMessage(modelType, skipped, operation));
  }
}

/** The request named an operation the catalog does not declare (a typo must not silently fall through). */
export class UnknownOperationError extends SelectionError {
  readonly code = 'UNKNOWN_OPERATION';
  readonly kind = 'invalid_input';

  constructor(
    readonly operation: string,
    readonly knownOperations: readonly string[],
  ) {
    super(`unknown operation ${quoteInput(operation)} (known: ${knownOperations.length > 0 ? knownOperations.join(', ') : 'none'})`);
  }
}

function noAvailableMessage(modelType: ModelType, skipped: readonly SkippedCandidate[], operation?: string): string {
  const what = `no available ${modelType} model` + (operation ? ` for operation ${quoteInput(operation)}` : '');
  if (skipped.length === 0) return `${what}: no candidates (no preference, operation, default or fallback applies)`;
  const lines = skipped.map(
    ({ candidate, reason, detail }) =>
      `  ${candidate.source} ${candidateLabel(candidate.provider, candidate.model)}: ${reason} (${detail})`,
  );
  return `${what}; candidates tried:\n${lines.join('\n')}`;
}

/** `provider/model` for a message, each part escaped and bounded: a model may be what a caller typed. */
export function candidateLabel(provider: string, model: string | null): string {
  const part = (text: string) => truncateInput(JSON.stringify(text).slice(1, -1));
  return `${part(provider)}/${model === null ? '(none)' : part(model)}`;
}

/** A request named a model nobody in the registry offers (for that model type): the caller's mistake, not an outage. */
export class UnknownModelError extends SelectionError {
  readonly code = 'UNKNOWN_MODEL';
  readonly kind = 'not_found';

  constructor(
    readonly target: { provider?: string; model: string },
    readonly modelType: ModelType,
    why: string,
  ) {
    super(why);
  }
}
