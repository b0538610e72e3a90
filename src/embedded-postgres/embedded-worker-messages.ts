/** What openEmbeddedDatabase hands its worker thread at start (workerData). */
export interface EmbeddedWorkerStart {
  /** The data folder, resolved; the caller holds its lock. */
  dataDir: string;
  port: number;
  password: string;
  listenChannels: string[];
  slowGroupWarnMs?: number;
  idleInTransactionMs?: number;
}

/** Worker → owner. */
export type EmbeddedWorkerEvent =
  | { type: 'ready'; port: number; startedMs: number }
  | { type: 'notification'; channel: string; payload: string }
  | { type: 'log'; level: 'log' | 'warn' | 'error'; message: string }
  /** The session is unusable (already logged): the owner decides what becomes of the process. */
  | { type: 'fatal'; message: string }
  | { type: 'closed' };

/** Owner → worker. */
export type EmbeddedWorkerCommand = { type: 'close' };
