import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { startEmbeddedSocketServer, type EmbeddedSocketServer } from './embedded-socket-server';
import type { EmbeddedWorkerCommand, EmbeddedWorkerEvent, EmbeddedWorkerStart } from './embedded-worker-messages';
import { openPGliteFolder } from './pglite-data-folder';
import type { ServerLogger } from './socket-server-options';

/**
 * The embedded database's thread: PGlite and the socket server in front of it (see
 * embedded-database.ts for why a thread). Everything it says goes to the owner as a message: its log
 * lines, the NOTIFYs the session receives, a fatal session, and that it closed.
 */
const port = parentPort!;
const start = workerData as EmbeddedWorkerStart;
const tell = (event: EmbeddedWorkerEvent) => port.postMessage(event);
const logger: ServerLogger = {
  log: (message) => tell({ type: 'log', level: 'log', message }),
  warn: (message) => tell({ type: 'log', level: 'warn', message }),
  error: (message) => tell({ type: 'log', level: 'error', message }),
};

async function open(): Promise<{ db: PGlite; server: EmbeddedSocketServer }> {
  const started = Date.now();
  const db = await openPGliteFolder(start.dataDir, logger);
  try {
    for (const channel of start.listenChannels) await db.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
    const server = await startEmbeddedSocketServer(db, {
      port: start.port,
      password: start.password,
      slowGroupWarnMs: start.slowGroupWarnMs,
      idleInTransactionMs: start.idleInTransactionMs,
      onNotification: (channel, payload) => tell({ type: 'notification', channel, payload }),
      onFatal: (error) => tell({ type: 'fatal', message: error.message }),
      logger,
    });
    tell({ type: 'ready', port: server.port, startedMs: Date.now() - started });
    return { db, server };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

// A failure to open is thrown out of the thread: the owner sees it as the worker's 'error'.
void open().then(({ db, server }) => {
  port.on('message', (command: EmbeddedWorkerCommand) => {
    if (command.type !== 'close') return;
    void (async () => {
      await server.close();
      await db.close();
      tell({ type: 'closed' });
      port.close();
    })();
  });
});
