import 'reflect-metadata';
import { createOpenAI } from '@ai-sdk/openai';
import { createProviderRegistry } from 'ai';
import { performance } from 'node:perf_hooks';
import { runBounded } from '../src/common/run-bounded';
import { loadCatalog } from '../src/providers/catalog/load-catalog';
import { capabilitiesFromCatalog, modelsFromCapabilities } from '../src/providers/catalog/provider-capabilities';
import { KeyRing, generateKey, parseKeyRing } from '../src/providers/credentials/key-ring';
import { runProbe } from '../src/providers/health/probes/probe-registry';
import type { ProbeTarget } from '../src/providers/health/probes/probe.types';
import type { ProviderState, RegistrySnapshot } from '../src/providers/selection/registry-snapshot';
import { standingOf } from '../src/providers/selection/availability';
import { selectModel } from '../src/providers/selection/select-model';
import { UsageTally } from '../src/providers/usage/usage-tally';
import { FakeProviderServer } from '../test/support/fake-provider-server';
import { callsBench } from './calls';
import { cliBench } from './cli';
import { httpBench } from './http';
import { propagationBench } from './propagation';
import { scaleBench } from './scale';
import { usageBench } from './usage-api';
import { writePathBench } from './write-path';

/** Runs fn `n` times and prints throughput; numbers, not assertions (speed is not tested). */
function measure(name: string, n: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(n, 1000); i++) fn(i); // warm-up
  const start = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  const ms = performance.now() - start;
  console.log(
    `${name.padEnd(52)} ${n.toLocaleString('en-US').padStart(10)} ops  ${ms.toFixed(0).padStart(6)} ms  ${Math.round((n / ms) * 1000)
      .toLocaleString('en-US')
      .padStart(12)} ops/s`,
  );
  return (n / ms) * 1000;
}

function snapshot(disabled: string[]): RegistrySnapshot {
  const catalog = loadCatalog('config/providers.yaml');
  const providers = new Map<string, ProviderState>();
  for (const entry of catalog.providers.values()) {
    const state: ProviderState = {
      provider: entry.slug,
      displayName: entry.displayName,
      enabled: !disabled.includes(entry.slug),
      health: 'healthy',
      credential: entry.requiresApiKey ? 'active' : 'not_required',
      priority: entry.priority,
      models: modelsFromCapabilities(capabilitiesFromCatalog(entry)),
    };
    // As the registry's snapshot builder does: the request-independent verdict decided once.
    state.standing = standingOf(state);
    providers.set(entry.slug, state);
  }
  return { providers, catalog };
}

async function sweepBench(): Promise<void> {
  const server = new FakeProviderServer();
  await server.start();
  const timeoutMs = 1000;
  const targets: ProbeTarget[] = Array.from({ length: 40 }, (_, i) => {
    const fake = server.add(`p${i}`, {
      kind: 'openai',
      apiKey: `sk-bench-${i}-0123456789abcdef`,
      models: ['m1', 'm2'],
      mode: i % 4 === 0 ? 'hang' : 'ok',
    });
    return {
      provider: `p${i}`,
      kind: 'openai',
      baseUrl: fake.baseUrl,
      apiKey: `sk-bench-${i}-0123456789abcdef`,
      catalogModelIds: ['m1', 'm2'],
    };
  });
  try {
    for (const concurrency of [16, 8, 1]) {
      const start = performance.now();
      const settled = await runBounded(targets, concurrency, (t) => runProbe(t, { timeoutMs }));
      const ms = performance.now() - start;
      const hung = settled.filter((s) => s.status === 'fulfilled' && s.value.kind === 'transient').length;
      console.log(
        `health sweep: 40 providers, ${hung} hanging, timeout ${timeoutMs} ms, concurrency ${concurrency}`.padEnd(75) +
          `${ms.toFixed(0).padStart(6)} ms`,
      );
    }
  } finally {
    await server.close();
  }
}

/** `npm run bench` runs every section; `npm run bench -- write` (or `selection`, `sweep`, `cli`, `calls`, `http`, `scale`, `usage`, `propagation`) only those named. */
const only = process.argv.slice(2);
const wanted = (section: string) => only.length === 0 || only.includes(section);

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${new Date().toISOString()}\n`);
  if (wanted('selection')) inMemory();
  if (wanted('sweep')) await sweepBench();
  if (wanted('write')) await writePathBench();
  if (wanted('http')) await httpBench();
  if (wanted('scale')) await scaleBench();
  if (wanted('usage')) await usageBench();
  if (wanted('propagation')) await propagationBench();
  if (wanted('cli')) await cliBench();
  if (wanted('calls')) await callsBench();
}

function inMemory(): void {
  // The floor: the Vercel AI SDK's bare registry lookup (no availability, no fallback), in the same run.
  const sdk = createProviderRegistry({ openai: createOpenAI({ apiKey: 'sk-bench' }) });
  const floor = measure('AI SDK createProviderRegistry().languageModel()', 200_000, () => sdk.languageModel('openai:gpt-4o'));
  const healthy = snapshot([]);
  const first = measure('selectModel: global default (first candidate)', 200_000, () => selectModel(healthy, { modelType: 'text' }));
  const degraded = snapshot(['openai', 'anthropic', 'openrouter']);
  const walk = measure('selectModel: fallback walk to the fourth candidate', 200_000, () =>
    selectModel(degraded, { modelType: 'text', operation: 'enrichment', commandOverride: { provider: 'openai' } }),
  );
  console.log(`  time vs the SDK lookup: default ${(floor / first).toFixed(1)}x, fallback walk ${(floor / walk).toFixed(1)}x`);

  const tally = new UsageTally();
  const now = new Date();
  measure('usage record (in-memory tally add)', 2_000_000, (i) =>
    tally.add(i % 2 ? 'openai' : 'anthropic', { requests: 1, inputTokens: 10, outputTokens: 5, lastUsedAt: now }),
  );

  const ring: KeyRing = parseKeyRing({ key: generateKey() });
  const secret = 'sk-proj-0123456789abcdefghijklmnopqrstuvwxyz';
  const envelope = ring.encrypt(secret, 'ai_credentials:openai:api_key');
  measure('credential encrypt (AES-256-GCM)', 50_000, () => ring.encrypt(secret, 'ai_credentials:openai:api_key'));
  measure('credential decrypt (AES-256-GCM)', 50_000, () => ring.decrypt(envelope, { aad: 'ai_credentials:openai:api_key' }));
  console.log('');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
