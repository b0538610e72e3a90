import { DomainError } from '../../common/domain-error';
import { quoteInput, truncateInput } from '../../common/json-guard/text-rules';

/** No consumer key that is still live goes by that name or id (it never existed, or it is revoked already). */
export class ConsumerKeyNotFoundError extends DomainError {
  readonly code = 'CONSUMER_KEY_NOT_FOUND';
  readonly kind = 'not_found';
  readonly key: string;
  constructor(nameOrId: string) {
    super(`No live consumer key named or numbered ${quoteInput(nameOrId)} (revoked keys stay revoked)`);
    this.key = truncateInput(nameOrId);
  }
}

/** Names are unique across every consumer key, revoked ones included, so the audit trail's names stay unambiguous. */
export class ConsumerKeyNameTakenError extends DomainError {
  readonly code = 'CONSUMER_KEY_NAME_TAKEN';
  readonly kind = 'conflict';
  readonly keyName: string;
  constructor(name: string) {
    super(`A consumer key named ${quoteInput(name)} exists already (a revoked key keeps its name): choose another name`);
    this.keyName = truncateInput(name);
  }
}
