import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Coordination } from './kernel/coordination';
import { connectionConfigOf } from '../database/connection-config';
import { PostgresCoordination } from '../database/coordination/postgres-coordination';
import { PROVIDERS_OPTIONS, ProvidersModuleOptions } from './providers.options';
import { REGISTRY_DATA_SOURCE } from './kernel/registry-tokens';

/**
 * The module's locks and notifications: the host's own (our server passes the one that fits its
 * database kind), or PostgreSQL sessions of the module's own, which it then also closes.
 */
@Injectable()
export class RegistryCoordination implements OnApplicationShutdown {
  readonly coordination: Coordination;
  private readonly owned: boolean;

  constructor(@Inject(PROVIDERS_OPTIONS) options: ProvidersModuleOptions, @Inject(REGISTRY_DATA_SOURCE) dataSource: DataSource) {
    this.owned = !options.coordination;
    this.coordination = options.coordination ?? new PostgresCoordination(options.directUrl ?? connectionConfigOf(dataSource.options));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.owned) await this.coordination.close();
  }
}
