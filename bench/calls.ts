import { createOpenAI } from '@ai-sdk/openai';
import { median } from './support/load';
import type { EmbeddingModelV3, LanguageModelV3 } from '@ai-sdk/provider';
import { INestApplicationContext } from '@nestjs/common';
import { embed, generateText, streamText } from 'ai';
import { performance } from 'node:perf_hooks';
import { createBenchDatabase } from './support/bench-database';
import { bootRegistry, migrate } from './support/bench-registry';
import { RegistryModels } from '../src/registry/ai-sdk/registry-models';
import { CallConnections } from '../src/registry/calls/call-connections';
import { CredentialsService } from '../src/registry/credentials/credentials.service';
import { generateKey } from '../src/registry/key-ring/key-ring';
import { ModelSelectionService } from '../src/registry/selection/model-selection.service';
import { FakeProviderServer } from '../test/support/fake-provider-server';

/**
 * What the registry adds per call over calling the same AI SDK provider model directly, both against
 * the fake OpenAI server on loopback, in the same run, rounds interleaved (direct, registry, direct, …)
 * so drift on a loaded machine hits both. Per round the mean µs per call; the table shows the median
 * round. The registry's share: a plan from the in-memory snapshot, the provider's endpoint and key
 * (resolved once per snapshot state, then from memory), a fresh SDK model, the egress-checked
 * dispatcher, usage recorded.
 */

const API_KEY = 'sk-bench-calls-0123456789abcdefghij';
const ROUNDS = 9;
const CALLS_PER_ROUND = 150;

function boot(url: string, key: string): Promise<INestApplicationContext> {
  return migrate(url).then(() => bootRegistry(url, { CREDENTIALS_KEY: key, USAGE_FLUSH_MS: '1000' }));
}

/** Mean µs per call of `n` sequential calls. */
async function perCall(n: number, op: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) await op();
  return ((performance.now() - started) * 1000) / n;
}

interface Row {
  name: string;
  direct: number;
  registry: number;
}

async function compare(name: string, direct: () => Promise<unknown>, registry: () => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < 30; i++) {
    await direct();
    await registry();
  }
  const d: number[] = [];
  const r: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so neither always runs on a warmer (or busier) machine.
    if (round % 2 === 0) {
      d.push(await perCall(CALLS_PER_ROUND, direct));
      r.push(await perCall(CALLS_PER_ROUND, registry));
    } else {
      r.push(await perCall(CALLS_PER_ROUND, registry));
      d.push(await perCall(CALLS_PER_ROUND, direct));
    }
  }
  return { name, direct: median(d), registry: median(r) };
}

async function consume(model: LanguageModelV3): Promise<string> {
  const result = streamText({ model, prompt: 'Say hello', maxRetries: 0 });
  return result.text;
}

export async function callsBench(): Promise<void> {
  const server = new FakeProviderServer();
  await server.start();
  const fake = server.add('openai', { kind: 'openai', apiKey: API_KEY, reply: 'Hello from the fake provider, five words.' });
  const database = await createBenchDatabase('calls');
  const app = await boot(database.url, generateKey());
  try {
    await app.get(CredentialsService).store('openai', { apiKey: API_KEY, baseUrl: fake.baseUrl });
    const models = app.get(RegistryModels);
    const sdk = createOpenAI({ apiKey: API_KEY, baseURL: fake.baseUrl });
    const direct = sdk.chat('gpt-4o-mini');
    const directEmbedding: EmbeddingModelV3 = sdk.embedding('text-embedding-3-small');
    const viaRegistry = models.languageModel();
    const viaRegistryEmbedding = models.textEmbeddingModel();
    const connections = app.get(CallConnections);
    const credentials = app.get(CredentialsService);
    const selection = app.get(ModelSelectionService);

    const rows = [
      await compare(
        'generateText',
        () => generateText({ model: direct, prompt: 'Say hello', maxRetries: 0 }),
        () => generateText({ model: viaRegistry, prompt: 'Say hello', maxRetries: 0 }),
      ),
      await compare(
        'streamText (read to the end)',
        () => consume(direct),
        () => consume(viaRegistry),
      ),
      await compare(
        'embed',
        () => embed({ model: directEmbedding, value: 'a note', maxRetries: 0 }),
        () => embed({ model: viaRegistryEmbedding, value: 'a note', maxRetries: 0 }),
      ),
    ];
    const connectionUs: number[] = [];
    const credentialUs: number[] = [];
    const planUs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      connectionUs.push(await perCall(CALLS_PER_ROUND, () => connections.resolve('openai', 'text')));
      credentialUs.push(await perCall(CALLS_PER_ROUND, () => credentials.getActiveCredential('openai')));
      planUs.push(await perCall(CALLS_PER_ROUND, async () => selection.plan({ modelType: 'text' })));
    }

    console.log(
      `AI SDK calls against the fake OpenAI server (loopback), ${ROUNDS} rounds × ${CALLS_PER_ROUND} sequential calls, median round:`,
    );
    console.log(`| call | direct µs/call | via registry µs/call | ratio | added µs/call |`);
    console.log(`|---|---:|---:|---:|---:|`);
    for (const row of rows) {
      console.log(
        `| ${row.name} | ${row.direct.toFixed(0)} | ${row.registry.toFixed(0)} | ${(row.registry / row.direct).toFixed(2)}x | ${(row.registry - row.direct).toFixed(0)} |`,
      );
    }
    console.log(
      `of which: the endpoint and key (CallConnections.resolve, from memory) ${median(connectionUs).toFixed(1)} µs/call ` +
        `(reading them afresh, one indexed query + AES-GCM decrypt, as before the cache: ${median(credentialUs).toFixed(0)} µs), ` +
        `the plan (in-memory snapshot) ${median(planUs).toFixed(1)} µs/call\n`,
    );
  } finally {
    await app.close();
    await server.close();
    await database.drop();
  }
}
