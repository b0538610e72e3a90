import * as fs from 'node:fs';
import * as path from 'node:path';
import { DomainError } from '../../common/domain-error';

export interface LockHolder {
  pid: number;
  /** Loopback port of the holder's database socket, once it serves one. */
  port: number | null;
  startedAt: string;
  command: string;
}

export class DataDirLockedError extends DomainError {
  readonly code = 'DATA_DIR_LOCKED';
  readonly kind = 'conflict';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by process ${holder.pid} (${holder.command}, since ${holder.startedAt}). ` +
        `Stop that process first, or run several instances against PostgreSQL by setting DATABASE_URL.`,
    );
  }
}

const LOCK_FILE = 'registry.lock';
const UNREADABLE_GRACE_MS = 5000;

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false; // a previous incarnation of this pid (e.g. pid 1 in a container)
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock file in the data folder: PGlite has no protection of its own, and two
 * processes on one folder corrupt it. Created with O_EXCL; a holder whose pid is gone is stale.
 */
export class DataDirLock {
  private released = false;

  private constructor(
    readonly dataDir: string,
    private holder: LockHolder,
  ) {}

  static lockPath(dataDir: string): string {
    return path.join(dataDir, LOCK_FILE);
  }

  /** The live holder of the folder, or null when it is free or the holder is gone. */
  static liveHolder(dataDir: string): LockHolder | null {
    const holder = DataDirLock.read(dataDir);
    return holder && isAlive(holder.pid) ? holder : null;
  }

  static acquire(dataDir: string, command: string, onStale: (holder: LockHolder) => void): DataDirLock {
    fs.mkdirSync(dataDir, { recursive: true });
    const holder: LockHolder = { pid: process.pid, port: null, startedAt: new Date().toISOString(), command };
    const file = DataDirLock.lockPath(dataDir);
    for (let attempt = 0; attempt < 2; attempt++) {
      // Written whole to a temp file, then linked into place: the lock never exists half-written.
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(holder));
      try {
        fs.linkSync(tmp, file);
        // Two processes taking over one stale lock could both unlink and create; the re-read settles it.
        const written = DataDirLock.read(dataDir);
        if (written?.pid !== process.pid) throw new DataDirLockedError(dataDir, written ?? holder);
        return new DataDirLock(dataDir, holder);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const current = DataDirLock.read(dataDir);
        if (!current && Date.now() - DataDirLock.mtime(dataDir) < UNREADABLE_GRACE_MS) {
          // A lock we cannot read is only taken over once it is old: it may belong to a live process.
          throw new DataDirLockedError(dataDir, { pid: 0, port: null, startedAt: 'just now', command: 'unknown' });
        }
        if (current && isAlive(current.pid)) throw new DataDirLockedError(dataDir, current);
        if (current) onStale(current);
        fs.rmSync(file, { force: true });
      } finally {
        fs.rmSync(tmp, { force: true });
      }
    }
    throw new DataDirLockedError(dataDir, DataDirLock.read(dataDir) ?? holder);
  }

  private static mtime(dataDir: string): number {
    try {
      return fs.statSync(DataDirLock.lockPath(dataDir)).mtimeMs;
    } catch {
      return 0;
    }
  }

  private static read(dataDir: string): LockHolder | null {
    try {
      return JSON.parse(fs.readFileSync(DataDirLock.lockPath(dataDir), 'utf8')) as LockHolder;
    } catch {
      // Missing, or half-written by a process that died mid-write: either way nobody holds it.
      return null;
    }
  }

  /** Publishes the socket port so our other processes connect through it instead of opening the folder. */
  setPort(port: number): void {
    this.holder = { ...this.holder, port };
    const file = DataDirLock.lockPath(this.dataDir);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.holder));
    fs.renameSync(tmp, file);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    if (DataDirLock.read(this.dataDir)?.pid === process.pid) fs.rmSync(DataDirLock.lockPath(this.dataDir), { force: true });
  }
}
