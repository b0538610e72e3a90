import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import type { PGlite } from '@electric-sql/pglite';
import { DataDirLock } from './data-dir-lock';
import { embeddedUrl } from './embedded-url';
import { openPGliteFolder } from './pglite-data-folder';
import { startEmbeddedSocketServer } from './embedded-socket-server';

export interface OwnedEmbeddedDatabase {
  url: string;
  port: number;
  /** Every NOTIFY committed on the single backend session, whichever connection or process sent it. */
  notifications: EventEmitter;
  close(): Promise<void>;
}

const logger = new Logger('EmbeddedDatabase');

/**
 * Opens the data folder as its one owner: takes the lock, starts PGlite and serves it on a loopback
 * socket through our grouping layer, so this process and our other processes use the normal `pg` driver.
 * The socket asks for a password made for this start, which only the lock file (readable by the
 * folder's owner alone) and the returned url hold.
 */
export async function openEmbeddedDatabase(options: {
  dataDir: string;
  port: number;
  command: string;
  listenChannels: string[];
  /** See EmbeddedSocketServerOptions. */
  slowGroupWarnMs?: number;
  idleInTransactionMs?: number;
}): Promise<OwnedEmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const lock = DataDirLock.acquire(dataDir, options.command, (stale) =>
    logger.warn(
      stale
        ? `Taking over a stale lock on ${dataDir} left by process ${stale.pid} (${stale.command}), which is gone`
        : `Taking over an unreadable lock file in ${dataDir}`,
    ),
  );
  let db: PGlite | undefined;
  try {
    const started = Date.now();
    db = await openPGliteFolder(dataDir, logger);
    const notifications = new EventEmitter();
    for (const channel of options.listenChannels) await db.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
    const secret = randomBytes(32).toString('base64url');
    const server = await startEmbeddedSocketServer(db, {
      port: options.port,
      password: secret,
      slowGroupWarnMs: options.slowGroupWarnMs,
      idleInTransactionMs: options.idleInTransactionMs,
      onNotification: (channel: string, payload: string) => {
        logger.debug(`Notification on "${channel}" (${payload.length} characters) delivered in-process`);
        notifications.emit('notification', channel, payload);
      },
      logger,
    });
    lock.publish(server.port, secret);
    logger.log(`Embedded PostgreSQL (PGlite) in ${dataDir} ready on 127.0.0.1:${server.port} in ${Date.now() - started} ms`);
    const opened = db;
    let closing: Promise<void> | undefined;
    return {
      url: embeddedUrl(server.port, secret),
      port: server.port,
      notifications,
      close: () =>
        (closing ??= (async () => {
          try {
            await server.close();
            await opened.close();
          } finally {
            lock.release();
          }
        })()),
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    lock.release();
    throw error;
  }
}
