import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { runBounded } from '../src/common/run-bounded';
import { KeyRing, generateKey, parseKeyRing } from '../src/registry/key-ring/key-ring';
import { runProbe } from '../src/registry/health/probes/probe-registry';
import type { ProbeTarget } from '../src/registry/health/probes/probe.types';
import { UsageTally } from '../src/registry/usage/usage-tally';
import { FakeProviderServer } from '../test/support/fake-provider-server';
import { callsBench } from './calls';
import { measureSelection } from './selection';
import { cliBench } from './cli';
import { gatewayBench } from './gateway';
import { httpBench } from './http';
import { keyLimitsBench } from './key-limits';
import { propagationBench } from './propagation';
import { scaleBench } from './scale';
import { usageBench } from './usage-api';
import { usageFlushBench } from './usage-flush';
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

/**
 * `npm run bench` runs every section; `npm run bench -- write` (or `selection`, `sweep`, `cli`, `calls`, `http`, `scale`, `usage`,
 * `flush`, `propagation`, `gateway`, `key-limits`) only those named. Flags (`--quick`) are for the sections that read them, not section names.
 */
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const wanted = (section: string) => only.length === 0 || only.includes(section);

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${new Date().toISOString()}\n`);
  if (wanted('selection')) inMemory();
  if (wanted('sweep')) await sweepBench();
  if (wanted('write')) await writePathBench();
  if (wanted('http')) await httpBench();
  if (wanted('scale')) await scaleBench();
  if (wanted('usage')) await usageBench();
  if (wanted('flush')) await usageFlushBench();
  if (wanted('propagation')) await propagationBench();
  if (wanted('cli')) await cliBench();
  if (wanted('calls')) await callsBench();
  if (wanted('gateway')) await gatewayBench();
  if (wanted('key-limits')) await keyLimitsBench();
}

function inMemory(): void {
  // The floor: the Vercel AI SDK's bare registry lookup (no availability, no fallback), in the same run.
  const times = measureSelection();
  const row = (name: string, ns: number, target?: number) =>
    console.log(
      `${name.padEnd(52)} ${ns.toFixed(0).padStart(6)} ns  ${(ns / times.sdk).toFixed(1).padStart(5)}× the SDK lookup${target ? ` (target ≤ ${target}×)` : ''}`,
    );
  row('AI SDK createProviderRegistry().languageModel()', times.sdk);
  row('selectModel: global default (first candidate)', times.select.default, 3);
  row('selectModel: fallback walk to the fourth candidate', times.select.walk, 8);
  row('planSelection: global default', times.plan.default, 3);
  row('planSelection: fallback walk to the fourth candidate', times.plan.walk, 8);
  row('ModelSelectionService.select(): default', times.service.default);
  row('ModelSelectionService.select(): fallback walk', times.service.walk);

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
