import { Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerException, normalizeIp, type ThrottlerStorage } from '@nestjs/throttler';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from '../../config/app-config';
import { AUTH_FAILURES, MINUTE_MS } from '../http/rate-limits';
import { UnauthenticatedError } from './auth.errors';

/** A request of the API (Fastify's, whose `ip` honours TRUST_PROXY) or of the plain METRICS_PORT server (Node's). */
export type ClientRequest = Pick<IncomingMessage, 'socket' | 'headers'> & { ip?: string };

/**
 * The one budget of failed authentications per client address (API_AUTH_FAILURES_PER_MINUTE),
 * wherever a token is checked: the API's guard, /metrics, METRICS_PORT. Guessing tokens costs
 * the same everywhere, so no route is a free oracle for the others' secrets.
 */
@Injectable()
export class AuthFailures {
  constructor(
    private readonly config: AppConfig,
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
  ) {}

  /** Runs `authenticate`; a failure (UnauthenticatedError) is counted, and past the limit answered 429 instead. */
  async counted<T>(request: ClientRequest, authenticate: () => Promise<T>): Promise<T> {
    try {
      return await authenticate();
    } catch (error) {
      if (error instanceof UnauthenticatedError) await this.count(request);
      throw error;
    }
  }

  private async count(request: ClientRequest): Promise<void> {
    // Fastify's request.ip honours TRUST_PROXY; a plain Node server (METRICS_PORT) has only the socket's.
    // Normalized as the throttler's own tracker does, so 127.0.0.1 and ::ffff:127.0.0.1 (or one
    // IPv6 /64) are one address.
    const address = normalizeIp(request.ip ?? request.socket.remoteAddress ?? 'unknown');
    const limit = this.config.API_AUTH_FAILURES_PER_MINUTE;
    const record = await this.storage.increment(`auth-failure:${address}`, MINUTE_MS, limit, MINUTE_MS, AUTH_FAILURES);
    if (record.totalHits > limit) throw new ThrottlerException('too many failed authentications from this address; wait a minute');
  }
}
