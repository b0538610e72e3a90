import 'reflect-metadata';
import * as path from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  CredentialsService,
  ModelSelectionService,
  PROVIDER_ENTITIES,
  PROVIDER_MIGRATIONS,
  ProvidersModule,
  type Selection,
  type SelectionRequest,
} from 'ai-provider-registry';

/**
 * A NestJS app of its own, outside the registry's repository, with the packed package installed: it
 * is compiled by tsc against the package's declarations, then run by node against its built code.
 * test/package/packed-install.spec.ts copies it into a scratch folder; it prints one JSON line.
 */

// @ts-expect-error the package's declarations are real types, not `any`: a model type is not a number
const wrongRequest: SelectionRequest = { modelType: 42 };
void wrongRequest;

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'postgres',
      url: process.env.HOST_DATABASE_URL,
      entities: [...PROVIDER_ENTITIES],
      migrations: [...PROVIDER_MIGRATIONS],
      migrationsRun: true,
      migrationsTransactionMode: 'each',
      logging: false,
    }),
    ProvidersModule.forRoot({
      // The catalog shipped in the package, by its exported subpath.
      catalog: require.resolve('ai-provider-registry/config/providers.yaml'),
      keyRing: { key: process.env.HOST_CREDENTIALS_KEY ?? '' },
      healthCheckIntervalMs: 0,
    }),
  ],
})
class ScratchHostModule {}

/** Whether a path the package does not export can be required (it must not: the index is its face). */
function deepImportRefused(): string | null {
  try {
    require('ai-provider-registry/dist/registry/providers.module');
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(ScratchHostModule, { logger: ['error'] });
  try {
    const migrations: { name: string }[] = await app.get<DataSource>(getDataSourceToken()).query('SELECT name FROM migrations ORDER BY id');
    await app.get(CredentialsService).store('openai', { apiKey: 'sk-proj-Scratch0123456789abcdefGHIJ' });
    const selection: Selection = app.get(ModelSelectionService).select({ modelType: 'text' });
    const packageDir = path.dirname(require.resolve('ai-provider-registry/package.json'));
    process.stdout.write(
      `${JSON.stringify({
        packageDir,
        migrations: migrations.map((m) => m.name),
        selection,
        // One copy of Nest for the host and the package, or its dependency injection sees two worlds.
        commonForHost: require.resolve('@nestjs/common'),
        commonForPackage: require.resolve('@nestjs/common', { paths: [packageDir] }),
        deepImport: deepImportRefused(),
      })}\n`,
    );
  } finally {
    await app.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
