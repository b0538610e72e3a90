import { DomainError } from '../../common/domain-error';
import type { ApiFieldError } from './api-envelope';

/** A request the DTO rules refused: every broken field and rule, as the ValidationPipe found them. */
export class InvalidRequestError extends DomainError {
  readonly code = 'INVALID_REQUEST';
  readonly kind = 'invalid_input';
  constructor(readonly errors: ApiFieldError[]) {
    super(`Invalid request: ${errors.map((e) => e.message).join('; ')}`);
  }
}
