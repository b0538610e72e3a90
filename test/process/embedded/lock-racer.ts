import * as readline from 'node:readline';
import { DataDirLock, DataDirLockedError } from '../../../src/embedded-postgres/data-dir-lock';

/**
 * One contender in the lock races of data-dir-lock.spec.ts, as a real process. Commands arrive as
 * JSON lines on stdin, answers go out as JSON lines on stdout.
 */
const [dataDir] = process.argv.slice(2);
let held: DataDirLock | undefined;
const reply = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as { op: 'acquire'; at: number } | { op: 'release' };
  if (command.op === 'release') {
    held?.release();
    held = undefined;
    return reply({ released: true });
  }
  // Spin until the agreed instant, so every contender reads the stale lock at about the same time.
  while (Date.now() < command.at);
  let staleSeen: number | null | undefined;
  try {
    held = DataDirLock.acquire(dataDir, `racer ${process.pid}`, (stale) => (staleSeen = stale ? stale.pid : null));
    reply({ won: true, staleSeen });
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) return reply({ error: String(error) });
    reply({ won: false, holder: error.holder.pid });
  }
});
reply({ ready: true });
