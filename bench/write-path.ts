import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Injectable, INestApplicationContext } from '@nestjs/common';
import { admin, BENCH_ADMIN_URL } from './support/bench-database';
import { bootRegistry } from './support/bench-registry';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { capabilitiesFromCatalog } from '../src/registry/catalog/provider-capabilities';
import { loadCatalog } from '../src/registry/catalog/load-catalog';
import { credentialAad } from '../src/registry/key-ring/credential-aad';
import { CredentialsService } from '../src/registry/credentials/credentials.service';
import { generateKey, parseKeyRing } from '../src/registry/key-ring/key-ring';
import { ProviderConfigService } from '../src/registry/provider-settings/provider-config.service';
import { RegistryStateService } from '../src/registry/snapshot/registry-state.service';

/**
 * The core's write path, on the local PostgreSQL: writes through the services with the in-memory
 * snapshot kept current (incremental reloads, read-your-writes) side by side with the same writes
 * with snapshot maintenance switched off, at 4 / 200 / 2,000 providers with 5 credentials each.
 */

const KEY = generateKey();
const CREDENTIAL_TYPES = ['api_key', 'org_key', 'project_key', 'admin_key', 'backup_key'];
const catalog = loadCatalog('config/providers.yaml');
const CAPABILITIES = JSON.stringify(capabilitiesFromCatalog(catalog.providers.get('openai')!));

/** The baseline: the same services and a snapshot loaded once at start, never kept current after it. */
@Injectable()
class NoSnapshotMaintenance extends RegistryStateService {
  private started = false;
  override async start(): Promise<void> {
    await super.reload('all');
    this.started = true;
  }
  override reload(providers: readonly string[] | 'all'): Promise<void> {
    return this.started ? Promise.resolve() : super.reload(providers);
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A fresh database with `providers` providers (bench_0000…) and 5 credentials each, written set-based. */
async function seed(name: string, providers: number): Promise<string> {
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${name}"`);
  const url = withDatabase(BENCH_ADMIN_URL, name);
  const ds = new DataSource(buildDataSourceOptions(url, { poolSize: 2 }));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  const ring = parseKeyRing({ key: KEY });
  const slugs = Array.from({ length: providers }, (_, i) => `bench_${String(i).padStart(4, '0')}`);
  await ds.query(
    `INSERT INTO provider_configs (provider, display_name, priority, capabilities)
     SELECT s, s, 100, $2::jsonb FROM unnest($1::text[]) AS s`,
    [slugs, CAPABILITIES],
  );
  const rows = slugs.flatMap((slug) =>
    CREDENTIAL_TYPES.map((type) => [slug, type, ring.encrypt(`sk-bench-${slug}-${type}-0123456789`, credentialAad(slug, type))]),
  );
  await ds.query(
    `INSERT INTO ai_credentials (provider, credential_type, encrypted_credentials)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
  );
  await ds.destroy();
  return url;
}

function boot(url: string, maintained: boolean): Promise<INestApplicationContext> {
  return bootRegistry(
    url,
    { CREDENTIALS_KEY: KEY },
    maintained ? undefined : { provider: RegistryStateService, useClass: NoSnapshotMaintenance },
  );
}

/** Runs `op` back to back for about `ms` (at least `min` times) and returns ops/s. */
async function rate(ms: number, min: number, op: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await op(i); // warm-up
  const started = performance.now();
  let n = 0;
  while (n < min || performance.now() - started < ms) await op(n++);
  return (n / (performance.now() - started)) * 1000;
}

const pad = (s: string, n: number) => s.padEnd(n);
const num = (x: number) => Math.round(x).toLocaleString('en-US').padStart(8);

async function writesAt(providers: number): Promise<void> {
  const url = await seed(`bench_write_${process.pid}_${providers}`, providers);
  const result: Record<string, Record<string, number>> = { enable: {}, store: {} };
  for (const maintained of [true, false]) {
    const app = await boot(url, maintained);
    const configs = app.get(ProviderConfigService);
    const credentials = app.get(CredentialsService);
    const slug = (i: number) => `bench_${String((i * 7919) % providers).padStart(4, '0')}`;
    const mode = maintained ? 'kept' : 'off';
    result.enable[mode] = await rate(2500, 200, (i) => (i % 2 ? configs.enable(slug(i >> 1)) : configs.disable(slug(i >> 1))));
    result.store[mode] = await rate(2500, 200, (i) => credentials.store(slug(i), { apiKey: `sk-bench-new-${i}-0123456789abcdef` }));
    await app.close();
  }
  await admin(`DROP DATABASE IF EXISTS "bench_write_${process.pid}_${providers}" WITH (FORCE)`);
  for (const [op, r] of Object.entries(result)) {
    console.log(
      `${pad(`${op === 'enable' ? 'enable/disable' : 'credential store'} at ${providers} providers`, 40)} kept ${num(r.kept)} ops/s   off ${num(r.off)} ops/s   ratio ${((r.kept / r.off) * 100).toFixed(0)} %`,
    );
  }
}

async function bulkImport(): Promise<void> {
  const name = `bench_import_${process.pid}`;
  const url = await seed(name, 2000);
  // The providers exist, their credentials do not: the import creates all 10,000.
  const ds = new DataSource(buildDataSourceOptions(url, { poolSize: 1 }));
  await ds.initialize();
  await ds.query('DELETE FROM ai_credentials');
  await ds.destroy();
  const app = await boot(url, true);
  const credentials = app.get(CredentialsService);
  const items = Array.from({ length: 2000 }, (_, i) => `bench_${String(i).padStart(4, '0')}`).flatMap((slug) =>
    CREDENTIAL_TYPES.map((type) => ({ slug, type })),
  );
  const concurrency = 8;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const { slug, type } = items[next++];
        await credentials.store(slug, { apiKey: `sk-import-${slug}-${type}-0123456789`, credentialType: type });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await app.close();
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  console.log(
    `${pad('bulk import: 10,000 credentials via store()', 40)} at 2,000 providers, ${concurrency} in flight: ${seconds.toFixed(1)} s (${num(10_000 / seconds)} stores/s)`,
  );
}

async function openLoopStream(): Promise<void> {
  const name = `bench_stream_${process.pid}`;
  const url = await seed(name, 2000);
  const app = await boot(url, true);
  const configs = app.get(ProviderConfigService);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const latencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  delay.enable();
  const started = performance.now();
  let i = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (performance.now() - started >= 5000) {
        clearInterval(timer);
        resolve();
        return;
      }
      const at = performance.now();
      const slug = `bench_${String((i * 7919) % 2000).padStart(4, '0')}`;
      const write = i++ % 2 ? configs.enable(slug) : configs.disable(slug);
      inFlight.push(write.then(() => void latencies.push(performance.now() - at)));
    }, 5);
  });
  await Promise.all(inFlight);
  delay.disable();
  await app.close();
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  console.log(
    `${pad('open-loop stream: a write every 5 ms, 5 s', 40)} at 2,000 providers: ${latencies.length}/${i} writes returned, ` +
      `write p50 ${p(0.5).toFixed(1)} ms p99 ${p(0.99).toFixed(1)} ms, event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`,
  );
}

export async function writePathBench(): Promise<void> {
  for (const providers of [4, 200, 2000]) await writesAt(providers);
  await bulkImport();
  await openLoopStream();
}
