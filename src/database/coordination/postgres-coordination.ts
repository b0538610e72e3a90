import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { Coordination } from './coordination';

const RECONNECT_MS = 1000;

/**
 * Advisory locks and LISTEN need a session of their own: a pooled connection would hand the session
 * (and the lock or the subscription) to whichever query comes next.
 */
export class PostgresCoordination implements Coordination {
  private readonly logger = new Logger(PostgresCoordination.name);
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private listener: Client | null = null;
  private everConnected = false;
  private connecting: Promise<void> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly url: string) {}

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: this.url, application_name: 'ai-provider-registry:lock' });
    // A lost session while fn() runs must not crash the process; the lock goes with the session anyway.
    client.on('error', (error) => this.logger.warn(`Lock session for ${key} lost: ${error.message}`));
    try {
      await client.connect();
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      try {
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => undefined);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async subscribe(channel: string, handler: (payload: string) => void): Promise<() => void> {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      if (this.listener) await this.listen(this.listener, channel);
    }
    set.add(handler);
    await this.ensureListener();
    return () => set?.delete(handler);
  }

  private ensureListener(): Promise<void> {
    if (this.listener || this.closed) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: 'ai-provider-registry:listen' });
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    client.on('error', (error) => {
      this.logger.warn(`Change listener connection lost (${error.message}); reconnecting`);
      this.dropListener(client);
    });
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await this.listen(client, channel);
      this.listener = client;
      if (this.everConnected) {
        for (const set of this.handlers.values()) for (const handler of set) handler('');
      }
      this.everConnected = true;
    } catch (error) {
      this.logger.warn(`Change listener could not connect (${(error as Error).message}); retrying`);
      this.dropListener(client);
    }
  }

  private async listen(client: Client, channel: string): Promise<void> {
    await client.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
  }

  private dropListener(client: Client): void {
    if (this.listener === client) this.listener = null;
    client.end().catch(() => undefined);
    if (!this.closed && !this.reconnectTimer) {
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        void this.ensureListener();
      }, RECONNECT_MS);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.connecting;
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
  }
}
