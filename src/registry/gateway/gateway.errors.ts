import { quoteInput } from '../../common/json-guard/text-rules';
import { DomainError } from '../../common/domain-error';

/** The request body breaks a rule the gateway checks itself; `param` names the field, as OpenAI's errors do. */
export class GatewayRequestError extends DomainError {
  readonly code = 'INVALID_GATEWAY_REQUEST';
  readonly kind = 'invalid_input';

  constructor(
    readonly param: string | null,
    message: string,
  ) {
    super(message);
  }
}

/** The consumer key is limited to other models than every one the request could be answered by. */
export class ModelNotAllowedError extends DomainError {
  readonly code = 'MODEL_NOT_ALLOWED';
  readonly kind = 'forbidden';

  constructor(readonly requested: string) {
    super(`this key may not use the model ${quoteInput(requested)}`);
  }
}
