import { Registry } from 'prom-client';
import { RegistryMetrics } from '../../../src/registry/metrics/registry-metrics';
import { ModelSelectionService } from '../../../src/registry/selection/model-selection.service';
import { UsageService } from '../../../src/registry/usage/usage.service';
import { itWithPromtool, parseExposition, promtoolCheck, valueOf } from '../../support/exposition';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { ConfigModule } from '../../../src/config/config.module';
import { providersOptionsFromConfig } from '../../../src/config/providers-options';
import { COORDINATION, Coordination } from '../../../src/registry/kernel/coordination';
import { DatabaseModule } from '../../../src/database/database.module';
import { ProvidersModule } from '../../../src/registry/providers.module';
import { testConfig } from '../../support/registry-app';
import { TestDatabase, createTestDatabase } from '../../support/test-database';

/** A host app that imports ProvidersModule, not our server: the registry's figures reach the host's Registry. */
describe('ProvidersModule metrics in a host app', () => {
  let db: TestDatabase;
  let registry: INestApplicationContext | undefined;

  beforeEach(async () => {
    db = await createTestDatabase();
  });

  afterEach(async () => {
    await registry?.close();
    await db.drop();
  });

  /** A host app importing ProvidersModule with the host's Registry, after one selection and one usage record. */
  async function hostExposition(): Promise<string> {
    const hostRegistry = new Registry();
    const config = testConfig(db);
    registry = await NestFactory.createApplicationContext(
      {
        module: class HostModule {},
        imports: [
          ConfigModule.forRoot(config),
          DatabaseModule.forRoot(db.target),
          ProvidersModule.forRootAsync({
            inject: [COORDINATION],
            useFactory: (coordination: Coordination) => providersOptionsFromConfig(config, coordination, hostRegistry),
          }),
        ],
      },
      { logger: false, abortOnError: false },
    );
    await registry.init();
    expect(registry.get(RegistryMetrics).registry).toBe(hostRegistry);
    registry.get(ModelSelectionService).select({ modelType: 'text', commandOverride: { provider: 'ollama' } });
    registry.get(UsageService).record('ollama', { requests: 2 });
    return hostRegistry.metrics();
  }

  it("records into the host's Registry (module option metricsRegistry) what the registry does", async () => {
    const samples = parseExposition(await hostExposition());
    expect(valueOf(samples, 'ai_registry_selections_total', { source: 'command_override' })).toBe(1);
    expect(valueOf(samples, 'ai_registry_usage_buffered_requests_total')).toBe(2);
    expect(valueOf(samples, 'ai_registry_usage_pending_requests')).toBe(2);
    expect(valueOf(samples, 'ai_registry_snapshot_refreshes_total', { kind: 'full' })).toBe(1);
    expect(valueOf(samples, 'ai_registry_provider_health', { provider: 'ollama', status: 'unknown' })).toBe(1);
    // Only the registry's own: process and HTTP metrics are the host's to choose.
    expect(samples.every((sample) => sample.name.startsWith('ai_registry_'))).toBe(true);
  });

  itWithPromtool('writes an exposition promtool accepts', async () => {
    expect(promtoolCheck(await hostExposition())).toEqual({ status: 0, output: '' });
  });
});
