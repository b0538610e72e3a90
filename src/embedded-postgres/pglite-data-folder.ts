import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * PostgreSQL's default 128 MB of shared buffers live in PGlite's WASM memory and are touched at
 * start: ~130 MiB of RSS for a database of a few MB (measured on PGlite 0.5.14: a server on an
 * existing folder 380-400 MiB → ~250 MiB). Pages beyond these come from the OS page cache.
 */
const MEMORY_PARAMS = ['-c', 'shared_buffers=16MB'];

/**
 * initdb runs in a process of its own: PGlite runs it in a second PGlite instance plus initdb's
 * WASM, which peaks at ~800 MiB and stays in the heap until a GC much later (a first start left the
 * server at 370-870 MiB). A child returns all of it to the system when it exits.
 */
const INITDB_SCRIPT = `
const [pglite, dir, options] = process.argv.slice(1);
process.stdin.on('end', () => process.exit(1)).resume(); // the parent is gone
require(pglite).PGlite.create(dir, JSON.parse(options))
  .then((db) => db.close())
  .then(() => process.exit(0), (error) => { process.stderr.write(String(error && error.message || error)); process.exit(1); });
`;

/**
 * Opens PGlite on pgdata (inside dataDir, which the caller owns), creating the database on first
 * use: into a temporary folder renamed into place once complete, so a first start killed half-way
 * leaves no half-made pgdata for the next start to open.
 */
export async function openPGliteFolder(
  dataDir: string,
  logger: { log(message: string): void; warn(message: string): void },
): Promise<PGlite> {
  const pgdata = path.join(dataDir, 'pgdata');
  if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) await initialize(dataDir, pgdata, logger);
  return PGlite.create(pgdata, { startParams: [...PGlite.defaultStartParams, ...MEMORY_PARAMS] });
}

async function initialize(
  dataDir: string,
  pgdata: string,
  logger: { log(message: string): void; warn(message: string): void },
): Promise<void> {
  for (const name of fs.readdirSync(dataDir)) {
    if (name.startsWith('pgdata.init-')) fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
  }
  if (fs.existsSync(pgdata)) {
    // No PG_VERSION: not a database (PGlite itself would run initdb over it). Kept aside, not deleted.
    const aside = `${pgdata}.incomplete-${Date.now()}`;
    fs.renameSync(pgdata, aside);
    logger.warn(`${pgdata} held no database (no PG_VERSION): moved it to ${aside}`);
  }
  const tmp = `${pgdata}.init-${randomBytes(4).toString('hex')}`;
  const started = Date.now();
  try {
    // Made here so the database files are private even in a DATA_DIR that other users can read (PGlite would make it 0755).
    fs.mkdirSync(tmp, { mode: 0o700 });
    await runInitdb(tmp);
    fs.renameSync(tmp, pgdata);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  logger.log(`Created the embedded database in ${pgdata} (initdb in ${Date.now() - started} ms)`);
}

function runInitdb(dir: string): Promise<void> {
  const options = { startParams: [...PGlite.defaultStartParams, ...MEMORY_PARAMS], initDbStartParams: MEMORY_PARAMS };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', INITDB_SCRIPT, require.resolve('@electric-sql/pglite'), dir, JSON.stringify(options)], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `initdb of the embedded database in ${dir} failed (${signal ?? `exit ${code}`}): ${stderr.trim().slice(-500) || 'no output'}`,
            ),
          ),
    );
  });
}
