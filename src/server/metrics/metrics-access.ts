import { Injectable } from '@nestjs/common';
import { AuthFailures, type ClientRequest } from '../auth/auth-failures';
import { ApiTokensService } from '../auth/api-tokens.service';
import { UnauthenticatedError } from '../auth/auth.errors';
import { AppConfig } from '../../config/app-config';
import { bearerToken } from '../http/bearer-token';
import { isMetricsToken } from './metrics-token';

/**
 * Who may scrape /metrics on the API's port: METRICS_TOKEN (a scrape credential of its own) or any
 * API token (a viewer's is enough); everyone with AUTH_DISABLED, as for the rest of the API. The
 * route is public to the API's guard, so its failures are counted here, in the same budget.
 */
@Injectable()
export class MetricsAccess {
  constructor(
    private readonly config: AppConfig,
    private readonly tokens: ApiTokensService,
    private readonly failures: AuthFailures,
  ) {}

  async check(request: ClientRequest): Promise<void> {
    if (this.config.AUTH_DISABLED) return;
    await this.failures.counted(request, async () => {
      const token = bearerToken(request.headers.authorization);
      if (token === null) throw new UnauthenticatedError('an API token or METRICS_TOKEN is required: Authorization: Bearer <token>');
      if (!isMetricsToken(token, this.config.METRICS_TOKEN)) await this.tokens.authenticate(token);
    });
  }
}
