import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { DataDirLock } from './data-dir-lock';
import { embeddedUrl } from './embedded-url';
import type { EmbeddedWorkerCommand, EmbeddedWorkerEvent, EmbeddedWorkerStart } from './embedded-worker-messages';

export interface OwnedEmbeddedDatabase {
  url: string;
  port: number;
  /** Every NOTIFY committed on the single backend session, whichever connection or process sent it. */
  notifications: EventEmitter;
  close(): Promise<void>;
}

const logger = new Logger('EmbeddedDatabase');

/**
 * The worker's script beside this file: compiled JavaScript in dist/; from the sources (jest,
 * ts-node) the TypeScript file, which the thread loads through ts-node as its parent did.
 */
const WORKER_SCRIPT = path.join(__dirname, `embedded-database.worker${path.extname(__filename)}`);
const WORKER_EXEC_ARGV = WORKER_SCRIPT.endsWith('.ts') ? ['--require', require.resolve('ts-node/register/transpile-only')] : [];

/**
 * Opens the data folder as its one owner: takes the lock, starts PGlite and serves it on a loopback
 * socket through our grouping layer, so this process and our other processes use the normal `pg` driver.
 * The socket asks for a password made for this start, which only the lock file (readable by the
 * folder's owner alone) and the returned url hold.
 *
 * PGlite and the socket server run in a worker thread of their own: PGlite runs each statement
 * synchronously, and on the caller's thread every statement (the request log's batch inserts, a slow
 * report) held up every HTTP request for its whole length. The lock stays with this thread.
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
  try {
    const secret = randomBytes(32).toString('base64url');
    const start: EmbeddedWorkerStart = {
      dataDir,
      port: options.port,
      password: secret,
      listenChannels: options.listenChannels,
      slowGroupWarnMs: options.slowGroupWarnMs,
      idleInTransactionMs: options.idleInTransactionMs,
    };
    const database = await EmbeddedThread.start(start, lock);
    lock.publish(database.port, secret);
    return { url: embeddedUrl(database.port, secret), port: database.port, notifications: database.notifications, close: database.close };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** The worker thread seen from its owner: its messages turned into log lines, notifications and a close that resolves once it has closed. */
class EmbeddedThread {
  readonly notifications = new EventEmitter();
  port = 0;
  private closing?: Promise<void>;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    private readonly lock: DataDirLock,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  static start(start: EmbeddedWorkerStart, lock: DataDirLock): Promise<EmbeddedThread> {
    const worker = new Worker(WORKER_SCRIPT, { workerData: start, execArgv: WORKER_EXEC_ARGV });
    const thread = new EmbeddedThread(worker, lock);
    return new Promise((resolve, reject) => {
      const failed = (error: Error) => reject(error);
      const exited = (code: number) => reject(new Error(`the embedded database's thread exited (code ${code}) before it was ready`));
      worker.once('error', failed);
      worker.once('exit', exited);
      worker.on('message', (event: EmbeddedWorkerEvent) => {
        if (event.type !== 'ready') return thread.receive(event);
        worker.off('error', failed).off('exit', exited);
        // From now on the thread failing is the session failing: as PGlite failing on this thread was.
        worker.on('error', (error) => thread.fatal(error.message));
        thread.port = event.port;
        logger.log(`Embedded PostgreSQL (PGlite) in ${start.dataDir} ready on 127.0.0.1:${event.port} in ${event.startedMs} ms`);
        resolve(thread);
      });
    });
  }

  readonly close = (): Promise<void> =>
    (this.closing ??= (async () => {
      try {
        this.worker.postMessage({ type: 'close' } satisfies EmbeddedWorkerCommand);
        await this.exited;
      } finally {
        this.lock.release();
      }
    })());

  private receive(event: Exclude<EmbeddedWorkerEvent, { type: 'ready' }>): void {
    switch (event.type) {
      case 'notification':
        logger.debug(`Notification on "${event.channel}" (${event.payload.length} characters) delivered in-process`);
        this.notifications.emit('notification', event.channel, event.payload);
        return;
      case 'log':
        logger[event.level](event.message);
        return;
      case 'fatal':
        // Logged by the thread already; nothing more can run on the session, so the process goes.
        process.exit(1);
        return;
      case 'closed':
        // Whatever the thread still holds (a timer of PGlite's) must not keep the close waiting.
        void this.worker.terminate();
        return;
    }
  }

  private fatal(message: string): void {
    if (this.closing) return;
    logger.error(`embedded database: ${message}`);
    process.exit(1);
  }
}
