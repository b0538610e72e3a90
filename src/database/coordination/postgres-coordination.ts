import { Logger } from '@nestjs/common';
import { Client, type ClientConfig } from 'pg';
import { LockLostError, type Coordination } from '../../registry/kernel/coordination';

export interface ReconnectPolicy {
  /** Wait before the first reconnect attempt after the listener's connection is lost. */
  initialMs: number;
  /** The wait doubles per failed attempt up to this. */
  maxMs: number;
}

const DEFAULT_RECONNECT: ReconnectPolicy = { initialMs: 500, maxMs: 30_000 };
/** pg waits forever to connect by default; keepAlive notices a silently dead peer. */
const SESSION = { keepAlive: true, connectionTimeoutMillis: 10_000 };

/**
 * Advisory locks and LISTEN need a session of their own: a pooled connection would hand the session
 * (and the lock or the subscription) to whichever query comes next.
 */
export class PostgresCoordination implements Coordination {
  private readonly logger = new Logger(PostgresCoordination.name);
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private readonly reconnect: ReconnectPolicy;
  private listener: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private failedAttempts = 0;
  private everConnected = false;
  private closed = false;
  private readonly connection: ClientConfig;

  /** `connection`: a URL, or node-postgres client settings (TLS, a Unix socket host, …). */
  constructor(connection: string | ClientConfig, options: { reconnect?: Partial<ReconnectPolicy> } = {}) {
    this.connection = typeof connection === 'string' ? { connectionString: connection } : connection;
    this.reconnect = { ...DEFAULT_RECONNECT, ...options.reconnect };
  }

  async withLock<T>(key: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const client = new Client({ ...this.connection, application_name: 'ai-provider-registry:lock', ...SESSION });
    const lost = new AbortController();
    const loseLock = (reason: string) => {
      if (lost.signal.aborted) return;
      this.logger.warn(`Lock session for ${key} lost (${reason}): the lock is released with it`);
      lost.abort(new LockLostError(key, reason));
    };
    // A lost session must not crash the process; what it means for fn is decided below.
    client.on('error', (error) => loseLock(error.message));
    let locked = false;
    try {
      await client.connect();
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      locked = true;
      client.once('end', () => loseLock('connection closed'));
      let result: T;
      try {
        result = await fn(lost.signal);
      } catch (error) {
        if (lost.signal.aborted) throw new LockLostError(key, 'session dropped while the work ran', { cause: error });
        throw error;
      }
      // The unlock runs on the same session: it answering true proves the session, and so the lock,
      // lasted through fn (a pg Client never reconnects behind our back).
      const released = await client
        .query<{ released: boolean }>('SELECT pg_advisory_unlock(hashtextextended($1, 0)) AS released', [key])
        .then(
          (r) => r.rows[0]?.released === true,
          () => false,
        );
      locked = false;
      if (lost.signal.aborted || !released) throw new LockLostError(key, 'session dropped while the work ran');
      return result;
    } finally {
      if (locked) await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => undefined);
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }

  async subscribe(channel: string, handler: (payload: string) => void): Promise<() => void> {
    if (this.closed) throw new Error('PostgresCoordination is closed');
    const isNew = !this.handlers.has(channel);
    const set = this.handlers.get(channel) ?? new Set<(payload: string) => void>();
    set.add(handler);
    this.handlers.set(channel, set);
    try {
      const client = this.listener ?? (await this.ensureListener());
      // A channel added to a live session needs its own LISTEN; a new session listens to all of them.
      if (isNew && client === this.listener) await this.listen(client, channel);
    } catch (error) {
      set.delete(handler);
      if (set.size === 0 && this.handlers.get(channel) === set) this.handlers.delete(channel);
      // Subscribers that were live before keep waiting for their session to come back.
      if (this.everConnected && !this.listener) this.scheduleReconnect();
      throw error;
    }
    return () => {
      set.delete(handler);
    };
  }

  /** Connects the listener now (sharing an attempt under way); rejects with that attempt's error. */
  private ensureListener(): Promise<Client> {
    if (this.listener) return Promise.resolve(this.listener);
    if (this.closed) return Promise.reject(new Error('PostgresCoordination is closed'));
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    const client = new Client({ ...this.connection, application_name: 'ai-provider-registry:listen', ...SESSION });
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    client.on('error', (error) => {
      if (this.listener !== client) return; // a failed attempt reports through connect() instead
      this.logger.warn(`Change listener connection lost (${error.message}); reconnecting`);
      this.dropListener(client);
    });
    client.on('end', () => {
      if (this.listener === client && !this.closed) {
        this.logger.warn('Change listener connection closed; reconnecting');
        this.dropListener(client);
      }
    });
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await this.listen(client, channel);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      throw new Error('PostgresCoordination is closed');
    }
    const recovered = this.everConnected;
    this.listener = client;
    this.everConnected = true;
    this.failedAttempts = 0;
    if (recovered) {
      this.logger.log('Change listener reconnected: resynchronising');
      for (const set of this.handlers.values()) for (const handler of set) handler('');
    }
    return client;
  }

  private async listen(client: Client, channel: string): Promise<void> {
    await client.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
  }

  private dropListener(client: Client): void {
    if (this.listener === client) this.listener = null;
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  /** Backoff doubling per failed attempt; unref'd so a lost database never keeps the process alive. */
  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer || this.handlers.size === 0) return;
    const delay = Math.min(this.reconnect.maxMs, this.reconnect.initialMs * 2 ** this.failedAttempts);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.ensureListener().catch((error: Error) => {
        this.failedAttempts++;
        this.logger.warn(`Change listener could not reconnect (${error.message}); retrying with backoff`);
        this.scheduleReconnect();
      });
    }, delay);
    this.reconnectTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    await this.connecting?.catch(() => undefined);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }
}
