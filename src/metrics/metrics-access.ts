import { Injectable } from '@nestjs/common';
import { ApiTokensService } from '../auth/api-tokens.service';
import { UnauthenticatedError } from '../auth/auth.errors';
import { AppConfig } from '../config/app-config';
import { bearerToken, isMetricsToken } from './metrics-token';

/**
 * Who may scrape /metrics on the API's port: METRICS_TOKEN (a scrape credential of its own) or any
 * API token (a viewer's is enough); everyone with AUTH_DISABLED, as for the rest of the API.
 */
@Injectable()
export class MetricsAccess {
  constructor(
    private readonly config: AppConfig,
    private readonly tokens: ApiTokensService,
  ) {}

  async check(authorization: string | string[] | undefined): Promise<void> {
    if (this.config.AUTH_DISABLED) return;
    const token = bearerToken(authorization);
    if (token === null) throw new UnauthenticatedError('an API token or METRICS_TOKEN is required: Authorization: Bearer <token>');
    if (isMetricsToken(token, this.config.METRICS_TOKEN)) return;
    await this.tokens.authenticate(token);
  }
}
