import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DomainError } from '../common/domain-error';

export interface LockHolder {
  pid: number;
  /** Loopback port of the holder's database socket, once it serves one. */
  port: number | null;
  /**
   * The socket's password for this start (null until it serves one). Lock files are created
   * readable by the folder's owner only, so whoever else can reach the port cannot use it.
   */
  secret: string | null;
  startedAt: string;
  command: string;
}

export class DataDirLockedError extends DomainError {
  readonly code = 'DATA_DIR_LOCKED';
  readonly kind = 'conflict';
  /** Without the secret: errors get logged. */
  readonly holder: Omit<LockHolder, 'secret'>;
  constructor(
    readonly dataDir: string,
    holder: LockHolder,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by process ${holder.pid} (${holder.command}, since ${holder.startedAt}). ` +
        `Stop that process first, or run several instances against PostgreSQL by setting DATABASE_URL.`,
    );
    this.holder = { pid: holder.pid, port: holder.port, startedAt: holder.startedAt, command: holder.command };
  }
}

/** `registry.lock.<generation>`; the `registry.lock` of earlier versions counts as generation 0. */
const GENERATION_FILE = /^registry\.lock(?:\.(\d{1,15}))?$/;
const TMP_FILE = /^registry\.lock-tmp-(\d+)-[0-9a-f]+$/;
/** Each retry means another process made progress; this many in a row is a folder being fought over. */
const MAX_ATTEMPTS = 100;

type LockRecord = LockHolder | { released: true; pid: number; releasedAt: string };

type LockState =
  /** The newest generation belongs to a live process. */
  | { kind: 'held'; holder: LockHolder }
  /** Free to take: never locked, released, or its holder is gone (stale: the holder, null when unreadable). */
  | { kind: 'free'; stale?: LockHolder | null }
  /** The file went away between listing and reading: look again. */
  | { kind: 'vanished' };

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
 * One owner per data folder: PGlite has no protection of its own, and two processes on one folder
 * corrupt it.
 *
 * Ownership is a numbered generation: a process that finds the newest generation N free (released,
 * or its holder gone) claims N + 1 by hard-linking a complete file to `registry.lock.<N+1>`, which
 * succeeds for exactly one process. Nothing ever removes or replaces another process's claim, so a
 * stale lock is taken over without the unlink-then-create window in which two processes could both
 * win (one deleting the other's fresh lock). Files are only ever removed below the newest
 * generation, and a release keeps its file, so the newest generation number never goes down: a
 * claim is kept only if no higher generation exists once it is made. That covers a process paused
 * for a long time between reading and claiming, which can only re-create a number already cleaned up.
 */
export class DataDirLock {
  private released = false;

  private constructor(
    readonly dataDir: string,
    private readonly file: string,
    private holder: LockHolder,
  ) {}

  /** The live holder of the folder, or null when it is free or the holder is gone. */
  static liveHolder(dataDir: string): LockHolder | null {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const state = DataDirLock.state(dataDir);
      if (state.kind === 'held') return state.holder;
      if (state.kind === 'free') return null;
    }
    return null;
  }

  static acquire(dataDir: string, command: string, onStale: (holder: LockHolder | null) => void): DataDirLock {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const holder: LockHolder = { pid: process.pid, port: null, secret: null, startedAt: new Date().toISOString(), command };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const newest = newestGeneration(dataDir);
      const state = DataDirLock.state(dataDir, newest);
      if (state.kind === 'vanished') continue;
      if (state.kind === 'held') throw new DataDirLockedError(dataDir, state.holder);
      const generation = Math.max(newest, 0) + 1;
      const file = generationFile(dataDir, generation);
      if (!createExclusive(dataDir, file, holder)) continue; // another process claimed it first
      if (newestGeneration(dataDir) !== generation) {
        // Claimed a number that had been cleaned up, while a newer generation exists.
        fs.rmSync(file, { force: true });
        continue;
      }
      if (state.stale !== undefined) onStale(state.stale);
      removeBelow(dataDir, generation);
      return new DataDirLock(dataDir, file, holder);
    }
    throw new DataDirLockedError(
      dataDir,
      DataDirLock.liveHolder(dataDir) ?? {
        pid: 0,
        port: null,
        secret: null,
        startedAt: 'now',
        command: 'several processes starting at once',
      },
    );
  }

  private static state(dataDir: string, generation = newestGeneration(dataDir)): LockState {
    if (generation < 0) return { kind: 'free' };
    let text: string;
    try {
      text = fs.readFileSync(generationFile(dataDir, generation), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'vanished' };
      throw error;
    }
    let record: LockRecord;
    try {
      record = JSON.parse(text) as LockRecord;
    } catch {
      // Files are linked or renamed into place whole, so only a crash of the machine leaves one unreadable.
      return { kind: 'free', stale: null };
    }
    if ('released' in record) return { kind: 'free' };
    // An earlier version's lock has no secret: its socket asks for none.
    const holder = { ...record, secret: record.secret ?? null };
    return isAlive(holder.pid) ? { kind: 'held', holder } : { kind: 'free', stale: holder };
  }

  /** Publishes the socket and its password so our other processes connect through it instead of opening the folder. */
  publish(port: number, secret: string): void {
    this.holder = { ...this.holder, port, secret };
    replace(this.dataDir, this.file, this.holder);
  }

  /** Marks the generation released; its file stays, so the generation number never goes down. */
  release(): void {
    if (this.released) return;
    this.released = true;
    replace(this.dataDir, this.file, { released: true, pid: process.pid, releasedAt: new Date().toISOString() });
  }
}

function generationFile(dataDir: string, generation: number): string {
  return path.join(dataDir, generation === 0 ? 'registry.lock' : `registry.lock.${generation}`);
}

/** The newest generation in the folder, -1 when there is none (or no folder yet: a first start). */
function newestGeneration(dataDir: string): number {
  let newest = -1;
  if (!fs.existsSync(dataDir)) return newest;
  for (const name of fs.readdirSync(dataDir)) {
    const match = GENERATION_FILE.exec(name);
    if (match) newest = Math.max(newest, Number(match[1] ?? 0));
  }
  return newest;
}

function writeTmp(dataDir: string, record: LockRecord): string {
  const tmp = path.join(dataDir, `registry.lock-tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  fs.writeFileSync(tmp, JSON.stringify(record), { mode: 0o600 });
  return tmp;
}

/** Creates file with the whole record in it, or returns false if it exists. */
function createExclusive(dataDir: string, file: string, record: LockRecord): boolean {
  const tmp = writeTmp(dataDir, record);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Rewrites our own generation file in one step: readers see the old record or the new one. */
function replace(dataDir: string, file: string, record: LockRecord): void {
  fs.renameSync(writeTmp(dataDir, record), file);
}

/** Older generations, and temp files of processes that died between writing and linking them. */
function removeBelow(dataDir: string, generation: number): void {
  for (const name of fs.readdirSync(dataDir)) {
    const lock = GENERATION_FILE.exec(name);
    const tmp = TMP_FILE.exec(name);
    if ((lock && Number(lock[1] ?? 0) < generation) || (tmp && !isAlive(Number(tmp[1])) && Number(tmp[1]) !== process.pid)) {
      fs.rmSync(path.join(dataDir, name), { force: true });
    }
  }
}
