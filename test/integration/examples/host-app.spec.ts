import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AvailabilityService, CredentialsService, ModelSelectionService } from 'ai-provider-registry';
import { HOST_DATA_SOURCE, HostAppModule } from '../../../examples/host-app/src/host-app.module';
import { Note } from '../../../examples/host-app/src/notes/note.entity';
import { TEST_KEY_1 } from '../../support/registry-app';
import { waitFor } from '../../support/server-process';
import { TestDatabase, createTestDatabase, describeOnRealPostgres } from '../../support/test-database';

describeOnRealPostgres('example host app (examples/host-app)', 'the host brings its own PostgreSQL data source and LISTEN sessions', () => {
  let db: TestDatabase;
  let app: INestApplicationContext | undefined;

  beforeEach(async () => {
    db = await createTestDatabase({ migrated: false });
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await db.drop();
  });

  it('boots with its own data source and config, runs the registry migrations with its own, and selects a model', async () => {
    app = await NestFactory.createApplicationContext(
      HostAppModule.forRoot({ databaseUrl: db.url, credentialsKey: TEST_KEY_1, catalogPath: 'config/providers.yaml' }),
      { logger: false, abortOnError: false },
    );
    const dataSource = app.get<DataSource>(getDataSourceToken(HOST_DATA_SOURCE));
    const applied = (await dataSource.query(`SELECT name FROM migrations ORDER BY id`)).map((m: { name: string }) => m.name);
    expect(applied).toEqual(
      expect.arrayContaining(['CreateAiCredentials1764000000000', 'PropagateRegistryChanges1764000005000', 'CreateHostNotes1765000000000']),
    );
    await dataSource.getRepository(Note).save({ text: 'the host keeps its own tables' });

    await app.get(CredentialsService).store('openai', { apiKey: 'sk-proj-Zx81KqLmNoPq2RsTuVwXyZaBcDeF9876' });
    expect(app.get(ModelSelectionService).select({ modelType: 'text' })).toMatchObject({ provider: 'openai', source: 'global_default' });

    // The module's own change listener on the host's database: a write from outside reaches it.
    const psql = new Client({ connectionString: db.url });
    await psql.connect();
    try {
      await psql.query(`UPDATE provider_configs SET enabled = false WHERE provider = 'openai'`);
    } finally {
      await psql.end();
    }
    const availability = app.get(AvailabilityService);
    await waitFor('the disable to reach the host', () => (availability.isProviderAvailable('openai').available ? undefined : true), 10_000);
  });
});
