import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { embeddedUrl } from '../../../src/embedded-postgres/embedded-url';
import { RunningProcess, embeddedEnv, readLock, runEntry, waitFor } from '../../support/server-process';

/** Resync off: whatever the owner sees arrived through a change notification, not the periodic reload. */
const NO_RESYNC = { REGISTRY_RESYNC_MS: '0', LOG_LEVEL: 'silent' };

jest.setTimeout(180_000);

/**
 * The embedded default's stand-in for LISTEN: the owner process sees every NOTIFY sent over its
 * socket and delivers it in-process, so a consumer key revoked by the CLI (a second process, through
 * the owner's socket) or by psql is refused by the owner's cache as it would be on PostgreSQL.
 */
describe('consumer keys on the embedded database, changed through its socket', () => {
  let dir: string;
  let owner: RunningProcess | undefined;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-consumer-keys-'));
  });

  afterAll(async () => {
    if (owner && owner.child.exitCode === null) {
      owner.child.kill('SIGTERM');
      await owner.exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** How long until the owner printed `line` (10 s at most). */
  async function arrival(line: string, after: number): Promise<number> {
    const started = performance.now();
    await waitFor(`the owner to print ${line}`, () => (owner!.output().slice(after).includes(`${line}\n`) ? true : undefined), 10_000);
    return Math.round(performance.now() - started);
  }

  it('the CLI’s revoke and a psql restore reach the owner’s cache', async () => {
    owner = runEntry('test/support/embedded-owner-keys.ts', ['svc'], embeddedEnv(dir, NO_RESYNC));
    await waitFor('the owner to accept its key', () => (owner!.output().includes('svc=accepted\n') ? true : undefined), 90_000);

    let mark = owner.output().length;
    const cli = runEntry('src/cli/main.ts', ['ai:keys:revoke', 'svc'], embeddedEnv(dir, { LOG_LEVEL: 'silent' }));
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain('Revoked consumer key svc');
    const revoked = await arrival('svc=refused', mark);

    const lock = readLock(dir);
    const psql = new Client({ connectionString: embeddedUrl(lock!.port!, lock!.secret), application_name: 'psql' });
    await psql.connect();
    try {
      mark = owner.output().length;
      const started = performance.now();
      await psql.query(`UPDATE consumer_keys SET revoked_at = NULL WHERE name = 'svc'`);
      await arrival('svc=accepted', mark);
      const restored = Math.round(performance.now() - started);
      process.stdout.write(
        `embedded: CLI revoke → owner refuses ${revoked} ms after the CLI exited; psql restore → accepted ${restored} ms\n`,
      );
    } finally {
      await psql.end();
    }
  });
});
