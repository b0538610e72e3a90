import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PROVIDER_ENTITIES, PROVIDER_MIGRATIONS, ProvidersModule } from 'ai-provider-registry';
import { HOST_SETTINGS, HostSettings } from './host-settings';
import { CreateHostNotes1765000000000 } from './notes/1765000000000-CreateHostNotes';
import { Note } from './notes/note.entity';

/** The host's data source has a name of its own, to show the registry can use any of the host's. */
export const HOST_DATA_SOURCE = 'host';

/**
 * A host NestJS app: its own configuration and its own TypeORM data source, which also carries the
 * registry's entities and runs the registry's migrations with its own.
 */
@Module({})
export class HostAppModule {
  static forRoot(settings: HostSettings): DynamicModule {
    const settingsModule = {
      module: class HostSettingsModule {},
      providers: [{ provide: HOST_SETTINGS, useValue: settings }],
      exports: [HOST_SETTINGS],
    };
    return {
      module: HostAppModule,
      imports: [
        TypeOrmModule.forRoot({
          name: HOST_DATA_SOURCE,
          type: 'postgres',
          url: settings.databaseUrl,
          entities: [...PROVIDER_ENTITIES, Note],
          migrations: [...PROVIDER_MIGRATIONS, CreateHostNotes1765000000000],
          migrationsRun: true,
          migrationsTransactionMode: 'each',
          logging: false,
        }),
        ProvidersModule.forRootAsync({
          dataSource: HOST_DATA_SOURCE,
          imports: [settingsModule],
          inject: [HOST_SETTINGS],
          useFactory: (host: HostSettings) => ({
            catalog: host.catalogPath,
            keyRing: { key: host.credentialsKey },
            healthCheckIntervalMs: 0,
            usageFlushMs: 500,
          }),
        }),
      ],
    };
  }
}
