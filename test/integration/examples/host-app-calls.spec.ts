import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CredentialsService, ProviderCallError, RegistryModels, UsageService } from 'ai-provider-registry';
import { HostAppModule } from '../../../examples/host-app/src/host-app.module';
import { streamSummary, summarizeNote } from '../../../examples/host-app/src/notes/summarize-note';
import { FakeProviderServer } from '../../support/fake-provider-server';
import { TEST_KEY_1 } from '../../support/registry-app';
import { TestDatabase, createTestDatabase, describeOnRealPostgres } from '../../support/test-database';

describeOnRealPostgres(
  'example host app calling models (README "Calling models")',
  'the host brings its own PostgreSQL data source',
  () => {
    const server = new FakeProviderServer();
    let db: TestDatabase;
    let app: INestApplicationContext | undefined;

    beforeAll(() => server.start());
    afterAll(() => server.close());

    beforeEach(async () => {
      db = await createTestDatabase({ migrated: false });
    });

    afterEach(async () => {
      await app?.close();
      app = undefined;
      await db.drop();
    });

    it('summarizes a note through the registry, falls back when OpenAI fails, and counts the usage', async () => {
      const openai = server.add('openai', {
        kind: 'openai',
        apiKey: 'sk-proj-HostOpenAi0123456789abcdef',
        reply: 'Host keeps its own tables.',
      });
      const anthropic = server.add('anthropic', {
        kind: 'anthropic',
        apiKey: 'sk-ant-HostAnthropic0123456789ab',
        reply: 'Tables stay with the host.',
      });
      app = await NestFactory.createApplicationContext(
        HostAppModule.forRoot({ databaseUrl: db.url, credentialsKey: TEST_KEY_1, catalogPath: 'config/providers.yaml' }),
        { logger: false, abortOnError: false },
      );
      const credentials = app.get(CredentialsService);
      await credentials.store('openai', { apiKey: 'sk-proj-HostOpenAi0123456789abcdef', baseUrl: openai.baseUrl });
      await credentials.store('anthropic', { apiKey: 'sk-ant-HostAnthropic0123456789ab', baseUrl: anthropic.baseUrl });
      const models = app.get(RegistryModels);

      expect(await summarizeNote(models, 'the host keeps its own tables')).toEqual({
        summary: 'Host keeps its own tables.',
        answeredBy: 'openai/gpt-4o-mini',
      });

      openai.setMode('server_error');
      const chunks: string[] = [];
      const report = await streamSummary(models, 'the host keeps its own tables', (chunk) => chunks.push(chunk));
      expect(chunks.join('')).toBe('Tables stay with the host.');
      expect(report).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5', failed: [{ provider: 'openai', status: 500 }] });

      anthropic.setMode('server_error');
      await expect(summarizeNote(models, 'x')).rejects.toThrow(ProviderCallError);

      const usage = app.get(UsageService);
      await usage.flush();
      const counts = Object.fromEntries((await usage.getUsage()).map((u) => [u.provider, u.usageCount]));
      expect(counts).toMatchObject({ openai: '3', anthropic: '2' });
    });
  },
);
