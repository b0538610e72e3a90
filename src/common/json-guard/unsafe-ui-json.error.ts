import { DomainError } from '../domain-error';

export type UiJsonRule =
  | 'not-object'
  | 'unsupported-type'
  | 'non-finite-number'
  | 'unstorable-text'
  | 'too-deep'
  | 'too-large'
  | 'forbidden-key'
  | 'secret-key'
  | 'secret-value';

/**
 * A UI JSON field (`ui_metadata`, `ui_preferences`) broke a rule. The message names the field, the
 * path and the rule but never the offending value: if it is a secret, echoing it into a 400 response
 * and the logs would leak exactly what the check exists to keep out.
 */
export class UnsafeUiJsonError extends DomainError {
  readonly code = 'UNSAFE_UI_JSON';
  readonly kind = 'invalid_input';

  constructor(
    readonly field: string,
    /** e.g. `ui_metadata.display.badges[2]`; secret-looking keys appear as `[<redacted key>]`. */
    readonly path: string,
    readonly rule: UiJsonRule,
    reason: string,
  ) {
    super(`${field} rejected at ${path}: ${reason} (rule ${rule})`);
  }
}
