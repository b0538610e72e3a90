import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { DataDirLock, DataDirLockedError, type LockHolder } from '../../../src/embedded-postgres/data-dir-lock';
import { REPO_ROOT } from '../../support/server-process';

const TRIALS = 30;
const RACERS = 6;

interface Racer {
  child: ChildProcess;
  pid: number;
  send(command: object): void;
  next(): Promise<Record<string, unknown>>;
  exited: Promise<void>;
}

async function startRacer(dataDir: string): Promise<Racer> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'test/process/embedded/lock-racer.ts', dataDir], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let wake = () => undefined as void;
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    wake();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const racer: Racer = {
    child,
    pid: child.pid!,
    send: (command) => child.stdin!.write(`${JSON.stringify(command)}\n`),
    async next() {
      while (lines.length === 0)
        await Promise.race([
          new Promise<void>((resolve) => (wake = resolve)),
          exited.then(() => Promise.reject(new Error('racer exited'))),
        ]);
      return JSON.parse(lines.shift()!) as Record<string, unknown>;
    },
    exited,
  };
  expect(await racer.next()).toEqual({ ready: true });
  return racer;
}

async function kill9(racer: Racer): Promise<void> {
  racer.child.kill('SIGKILL');
  await racer.exited;
}

function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

function lockFiles(dataDir: string): string[] {
  return fs
    .readdirSync(dataDir)
    .filter((name) => name.startsWith('registry.lock'))
    .sort();
}

function legacyHolder(pid: number): Omit<LockHolder, 'secret'> {
  return { pid, port: null, startedAt: new Date().toISOString(), command: 'an earlier version' };
}

describe(DataDirLock.name, () => {
  let dataDir: string;
  const racers: Racer[] = [];

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-lock-'));
  });

  afterEach(async () => {
    await Promise.all(racers.splice(0).map(kill9));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(`gives a stale lock to exactly one of ${RACERS} racing processes, ${TRIALS} times in a row`, async () => {
    const founder = await startRacer(dataDir);
    founder.send({ op: 'acquire', at: 0 });
    expect(await founder.next()).toMatchObject({ won: true });
    await kill9(founder);
    let deadHolder = founder.pid;

    for (let i = 0; i < RACERS; i++) racers.push(await startRacer(dataDir));
    const outcomes: string[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const at = Date.now() + 200;
      for (const racer of racers) racer.send({ op: 'acquire', at });
      const replies = await Promise.all(racers.map((racer) => racer.next()));
      const winners = racers.filter((_, i) => replies[i].won === true);
      const winner = winners[0];
      // Every loser was told who holds the folder, and only the winner warned about the dead holder.
      const consistent =
        winners.length === 1 &&
        replies.every((reply, i) =>
          racers[i] === winner ? reply.staleSeen === deadHolder : reply.won === false && reply.holder === winner.pid,
        );
      outcomes.push(consistent ? 'one owner' : `${winners.length} owners: ${JSON.stringify(replies)}`);
      if (!winner) break;
      // The winner crashes: its lock is the stale one of the next trial.
      await kill9(winner);
      racers.splice(racers.indexOf(winner), 1, await startRacer(dataDir));
      deadHolder = winner.pid;
    }
    expect(outcomes).toEqual(Array.from({ length: TRIALS }, () => 'one owner'));
    // Taken over 31 times, yet one lock file is left.
    expect(lockFiles(dataDir)).toEqual([`registry.lock.${TRIALS + 1}`]);
  }, 300_000);

  it('refuses while the holder lives, naming it; a released folder is taken without a warning', async () => {
    const owner = await startRacer(dataDir);
    racers.push(owner);
    owner.send({ op: 'acquire', at: 0 });
    expect(await owner.next()).toMatchObject({ won: true });

    const stale: Array<LockHolder | null> = [];
    expect(() => DataDirLock.acquire(dataDir, 'test', (h) => stale.push(h))).toThrow(DataDirLockedError);
    expect(fs.statSync(path.join(dataDir, 'registry.lock.1')).mode & 0o777).toBe(0o600); // it will hold the socket's password
    expect(() => DataDirLock.acquire(dataDir, 'test', () => undefined)).toThrow(`is in use by process ${owner.pid} (racer ${owner.pid}`);
    expect(DataDirLock.liveHolder(dataDir)).toMatchObject({ pid: owner.pid, command: `racer ${owner.pid}` });

    owner.send({ op: 'release' });
    expect(await owner.next()).toEqual({ released: true });
    expect(DataDirLock.liveHolder(dataDir)).toBeNull();
    const lock = DataDirLock.acquire(dataDir, 'test', (h) => stale.push(h));
    expect(stale).toEqual([]);
    expect(lockFiles(dataDir)).toEqual(['registry.lock.2']);
    lock.release();
  });

  it("respects the lock file of an earlier version's live process, and takes over a dead one's", async () => {
    const owner = await startRacer(dataDir);
    racers.push(owner);
    fs.writeFileSync(path.join(dataDir, 'registry.lock'), JSON.stringify(legacyHolder(owner.pid)));
    expect(() => DataDirLock.acquire(dataDir, 'test', () => undefined)).toThrow(`is in use by process ${owner.pid}`);

    const gone = deadPid();
    fs.writeFileSync(path.join(dataDir, 'registry.lock'), JSON.stringify(legacyHolder(gone)));
    const stale: Array<LockHolder | null> = [];
    const lock = DataDirLock.acquire(dataDir, 'test', (h) => stale.push(h));
    expect(stale).toEqual([expect.objectContaining({ pid: gone })]);
    expect(lockFiles(dataDir)).toEqual(['registry.lock.1']);
    lock.release();
  });

  it('creates a missing folder, readable by its owner only', () => {
    const folder = path.join(dataDir, 'new', '.data');
    expect(DataDirLock.liveHolder(folder)).toBeNull();
    const lock = DataDirLock.acquire(folder, 'test', () => undefined);
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
    expect(lockFiles(folder)).toEqual(['registry.lock.1']);
    lock.release();
  });

  it('takes over an unreadable lock file with a warning', () => {
    fs.writeFileSync(path.join(dataDir, 'registry.lock.7'), '{"pid": 12');
    const stale: Array<LockHolder | null> = [];
    const lock = DataDirLock.acquire(dataDir, 'test', (h) => stale.push(h));
    expect(stale).toEqual([null]);
    expect(lockFiles(dataDir)).toEqual(['registry.lock.8']);
    lock.release();
  });
});
