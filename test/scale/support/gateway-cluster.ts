import type { Client } from 'pg';
import { FakeProvider, FakeProviderOptions, FakeProviderServer } from '../../support/fake-provider-server';
import { Instance, OPENAI_KEY, psql, startInstance, stopInstance } from '../../support/instances';
import { Mode, ModeDatabase, openModeDatabase } from '../modes';

/** Instances of the server on one PostgreSQL, with the catalog's openai bound to a fake, and a psql session to look inside. */
export interface GatewayCluster {
  database: ModeDatabase;
  openai: FakeProvider;
  instances: Instance[];
  client: Client;
  /** Stops what was started, in reverse; safe after a start that failed half-way. */
  close(): Promise<void>;
}

/**
 * Starts `instances` servers on a fresh database reached as `mode` says, a fake openai speaking
 * `openai`, and stores its credential through the first instance.
 */
export async function startGatewayCluster(options: {
  mode: Mode;
  instances: number;
  openai: FakeProviderOptions;
  env?: Record<string, string>;
}): Promise<GatewayCluster> {
  const fakes = new FakeProviderServer();
  let database: ModeDatabase | undefined;
  let instances: Instance[] = [];
  let client: Client | undefined;
  const close = async () => {
    await client?.end();
    await Promise.all(instances.map((instance) => stopInstance(instance)));
    await fakes.close();
    await database?.close();
  };
  try {
    await fakes.start();
    const openai = fakes.add('openai', options.openai);
    database = await openModeDatabase(options.mode);
    const started = { databaseUrl: database.databaseUrl, directUrl: database.directUrl, env: options.env };
    instances = await Promise.all(Array.from({ length: options.instances }, () => startInstance(started)));
    const stored = await instances[0].api('POST', '/api/providers/openai/credentials', { apiKey: OPENAI_KEY, baseUrl: openai.baseUrl });
    if (stored.status !== 201) throw new Error(`storing the openai credential answered ${stored.status}`);
    client = await psql(database.db.url);
    return { database, openai, instances, client, close };
  } catch (error) {
    await close();
    throw error;
  }
}
