import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { RequestLogFacts } from '../../common/logging/http-log-options';
import { AuthenticatedConsumer, ConsumerKeyCache } from '../../registry';
import { AuthFailures } from '../auth/auth-failures';
import { UnauthenticatedError } from '../auth/auth.errors';
import { bearerToken } from '../http/bearer-token';

/** The request's consumer and who answered, for the request log (names, never a key). */
export type ConsumerRequest = IncomingMessage & RequestLogFacts & { consumer?: AuthenticatedConsumer };

/**
 * The gateway's callers are consumer keys, never the operators' API tokens: checked in memory
 * (ConsumerKeyCache, kept current by the database's notifications), failures counted against the
 * same per-address budget as every other token check, so /v1 is no free oracle for guessing keys.
 */
@Injectable()
export class ConsumerAuth {
  constructor(
    private readonly keys: ConsumerKeyCache,
    private readonly failures: AuthFailures,
  ) {}

  async consumerOf(request: ConsumerRequest): Promise<AuthenticatedConsumer> {
    const presented = bearerToken(request.headers.authorization);
    const consumer = presented ? this.keys.authenticate(presented) : null;
    if (consumer) {
      request.consumer = consumer;
      return consumer;
    }
    return this.failures.counted(request, () =>
      Promise.reject(new UnauthenticatedError(presented ? 'Incorrect API key provided' : 'You did not provide an API key')),
    );
  }
}
