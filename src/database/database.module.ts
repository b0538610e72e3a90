import { DynamicModule, Global, Module, OnApplicationShutdown, Inject } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { COORDINATION, Coordination } from '../registry/kernel/coordination';
import { createCoordination } from './coordination/create-coordination';
import { buildDataSourceOptions } from './data-source-options';
import { DatabaseTarget } from './database-target';
import { MigrationsRunner } from './migrations-runner.service';

export const DATABASE_TARGET = Symbol('DatabaseTarget');

class CoordinationCloser implements OnApplicationShutdown {
  constructor(@Inject(COORDINATION) private readonly coordination: Coordination) {}
  async onApplicationShutdown(): Promise<void> {
    await this.coordination.close();
  }
}

/**
 * The database for the app, given a target resolved before Nest starts (main.ts, tests). The
 * target's own lifetime (an owned embedded folder) stays with whoever opened it, because it must
 * outlive every shutdown hook that still writes (the usage flush, a health sweep in flight).
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(target: DatabaseTarget): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...buildDataSourceOptions(target.url, { embedded: target.kind === 'embedded' }),
          // Fail fast: an orchestrator restarts us, and a retry loop would outlive a failed boot. No retry
          // also means no "Retrying (1)..." log with a stack: main.ts reports the failure as one line.
          retryAttempts: 0,
          toRetry: () => false,
        }),
      ],
      providers: [
        { provide: DATABASE_TARGET, useValue: target },
        { provide: COORDINATION, useFactory: () => createCoordination(target) },
        CoordinationCloser,
        MigrationsRunner,
      ],
      exports: [DATABASE_TARGET, COORDINATION],
    };
  }
}
