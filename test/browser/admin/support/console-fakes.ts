import { FakeProvider, FakeProviderServer } from '../../../support/fake-provider-server';
import { writeCatalogVariant } from '../../../support/catalog-files';
import { ADMIN_TOKEN, ConsoleApp, startConsoleApp } from './console-app';

export const OPENAI_KEY = 'sk-proj-BrowserTestKey0123456789abcdefWXYZ';

export interface ConsoleWithFakes {
  server: ConsoleApp;
  openai: FakeProvider;
  close(): Promise<void>;
}

/**
 * The console's server with OpenAI and Ollama at fake APIs (the catalog pointed at them), and a day
 * of OpenAI's earlier checks (every 20 minutes, two failures) so its chart has a history to draw.
 */
export async function startConsoleWithFakes(env: Record<string, string> = {}): Promise<ConsoleWithFakes> {
  const fake = new FakeProviderServer();
  await fake.start();
  const openai = fake.add('openai', {
    kind: 'openai',
    apiKey: OPENAI_KEY,
    models: ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-5', 'gpt-5-mini', 'text-embedding-3-small', 'text-embedding-3-large'],
  });
  const ollama = fake.add('ollama', {
    kind: 'ollama',
    models: ['llama3.1:latest', 'qwen2.5:latest', 'nomic-embed-text:latest', 'mxbai-embed-large:latest'],
  });
  const catalog = writeCatalogVariant((doc) => {
    doc.providers.openai.base_url = openai.baseUrl;
    doc.providers.ollama.base_url = ollama.baseUrl;
  });
  const server = await startConsoleApp({ CATALOG_PATH: catalog, ...env });
  const dataSource = await server.db.dataSource();
  await dataSource.query(
    `INSERT INTO provider_health_checks (provider_config_id, status, latency_ms, error, checked_at)
     SELECT p.id,
            CASE WHEN n IN (9, 40) THEN 'unhealthy' WHEN n % 17 = 0 THEN 'degraded' ELSE 'healthy' END,
            CASE WHEN n IN (9, 40) THEN NULL WHEN n % 17 = 0 THEN 3400 ELSE 180 + (n * 37) % 140 END,
            CASE WHEN n IN (9, 40) THEN '401 from the provider: invalid API key' WHEN n % 17 = 0 THEN 'slower than 3000 ms' END,
            now() - make_interval(mins => 20 * n + 5)
     FROM provider_configs p, generate_series(0, 71) AS n
     WHERE p.provider = 'openai'`,
  );
  return {
    server,
    openai,
    async close() {
      await server.close();
      await fake.close();
    },
  };
}

/** Usage reported by another service through the API, as one batch. */
export async function reportUsage(server: ConsoleApp, key: string, records: object[]): Promise<void> {
  const answer = await fetch(`${server.origin}/api/usage`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify({ records }),
  });
  expect(answer.status).toBe(200);
}
