import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import type { AppConfig } from '../config/app-config';
import { DataDirLock, DataDirLockedError } from '../embedded-postgres/data-dir-lock';
import { CHANGE_CHANNEL, CONSUMER_KEYS_CHANNEL } from '../registry/kernel/coordination';
import { embeddedUrl } from '../embedded-postgres/embedded-url';

export type DatabaseKind = 'postgres' | 'embedded';

/**
 * Where this process's data lives, resolved once before Nest starts. The process that opened an
 * embedded folder owns its lifetime (close() stops PGlite and releases the lock); everything else
 * (a real PostgreSQL, or a CLI going through a running server's socket) has nothing to close.
 */
export interface DatabaseTarget {
  kind: DatabaseKind;
  url: string;
  /**
   * PostgreSQL only: where the sessions of their own go (LISTEN, advisory locks), when `url` is a
   * pooler in transaction mode that would hand a session to whichever transaction comes next.
   */
  directUrl?: string;
  /** For the log: which database, never a password. */
  description: string;
  /** Notifications seen in-process on an owned embedded database; absent elsewhere (use LISTEN). */
  embeddedNotifications?: EventEmitter;
  /** True when this process reaches the embedded database through another process's socket. */
  viaOwner: boolean;
  /** That process (the running server), when viaOwner. */
  ownerPid?: number;
  close(): Promise<void>;
}

export type DatabaseRole =
  /** The app server: must own an embedded folder (one instance per folder). */
  | 'server'
  /** A tool (TypeORM CLI, admin CLI): goes through a running server's socket, or owns the folder while it runs. */
  | 'tool';

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return `PostgreSQL at ${parsed.host}${parsed.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

/**
 * Refuses the embedded folder when a live process holds it, as the server's open would: for a check
 * before anything logs (a second `npm start` is told which process holds the folder, not that its
 * port, likely the same, is taken). What cannot be read is left for the open to explain.
 */
export function assertDataDirFree(config: AppConfig): void {
  if (config.DATABASE_URL) return;
  const dataDir = path.resolve(config.DATA_DIR);
  let holder: ReturnType<typeof DataDirLock.liveHolder>;
  try {
    holder = DataDirLock.liveHolder(dataDir);
  } catch {
    return;
  }
  if (holder) throw new DataDirLockedError(dataDir, holder);
}

export async function openDatabaseTarget(config: AppConfig, role: DatabaseRole, command: string): Promise<DatabaseTarget> {
  if (config.DATABASE_URL) {
    const direct = config.DATABASE_DIRECT_URL;
    return {
      kind: 'postgres',
      url: config.DATABASE_URL,
      directUrl: direct ?? config.DATABASE_URL,
      description:
        redact(config.DATABASE_URL) + (direct && direct !== config.DATABASE_URL ? ` (LISTEN and locks direct to ${redact(direct)})` : ''),
      viaOwner: false,
      close: async () => undefined,
    };
  }
  const dataDir = path.resolve(config.DATA_DIR);
  const holder = DataDirLock.liveHolder(dataDir);
  if (holder) {
    if (role === 'server' || holder.port === null) throw new DataDirLockedError(dataDir, holder);
    return {
      kind: 'embedded',
      url: embeddedUrl(holder.port, holder.secret),
      description: `embedded PostgreSQL in ${dataDir}, through process ${holder.pid} on 127.0.0.1:${holder.port}`,
      viaOwner: true,
      ownerPid: holder.pid,
      close: async () => undefined,
    };
  }
  // Loaded only here: a process on a real PostgreSQL never loads PGlite.
  const { openEmbeddedDatabase } = await import('../embedded-postgres/embedded-database');
  const owned = await openEmbeddedDatabase({
    dataDir,
    port: role === 'server' ? config.EMBEDDED_DB_PORT : 0,
    command,
    listenChannels: [CHANGE_CHANNEL, CONSUMER_KEYS_CHANNEL],
    slowGroupWarnMs: config.EMBEDDED_DB_SLOW_WARN_MS,
    idleInTransactionMs: config.EMBEDDED_DB_IDLE_IN_TRANSACTION_MS,
  });
  return {
    kind: 'embedded',
    url: owned.url,
    description: `embedded PostgreSQL (PGlite) in ${dataDir} on 127.0.0.1:${owned.port}`,
    embeddedNotifications: owned.notifications,
    viaOwner: false,
    close: owned.close,
  };
}
