import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ApiTokenRepository } from './api-token.repository';
import { ApiTokensService, hashToken } from './api-tokens.service';

export const BOOTSTRAP_TOKEN_NAME = 'bootstrap';
export const GENERATED_TOKEN_FILE = 'admin.token';

/**
 * At the server's start, makes sure an operator can get in: BOOTSTRAP_ADMIN_TOKEN when set;
 * otherwise, on the embedded default with no admin token yet, one is generated into
 * DATA_DIR/admin.token (0600) and the log says where.
 */
@Injectable()
export class AdminTokenBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminTokenBootstrap.name);

  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly service: ApiTokensService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.AUTH_DISABLED) {
      this.logger.warn('AUTH_DISABLED=true: the API accepts every request as admin. Use this for local development only.');
      return;
    }
    if (this.config.BOOTSTRAP_ADMIN_TOKEN) {
      await this.tokens.upsertBootstrap(BOOTSTRAP_TOKEN_NAME, hashToken(this.config.BOOTSTRAP_ADMIN_TOKEN));
      return;
    }
    if ((await this.tokens.countUsableAdmins()) > 0) return;
    if (!this.config.embedded) {
      this.logger.warn('No admin API token exists: set BOOTSTRAP_ADMIN_TOKEN to a long random value to get one.');
      return;
    }
    const file = path.resolve(this.config.DATA_DIR, GENERATED_TOKEN_FILE);
    const { token } = await this.service.create(`admin-${Date.now().toString(36)}`, 'admin');
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
    this.logger.warn(`No admin API token existed: created one, written to ${file} (readable by this user only).`);
  }
}
