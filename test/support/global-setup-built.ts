import { spawnSync } from 'node:child_process';
import globalSetup from './global-setup';
import { REPO_ROOT } from './server-process';

/**
 * For the tiers that start the server as `npm start` does (from dist/): the test database, as for the
 * other tiers, and the build brought up to date first (a few ms when nothing changed). Here, in jest's
 * parent process, rather than in each test file: files run in parallel on a real PostgreSQL, and two
 * builds into one dist/ at once would break each other.
 */
export default async function globalSetupBuilt(globalConfig?: { maxWorkers?: number }): Promise<void> {
  const build = spawnSync(process.execPath, ['scripts/build-if-stale.js'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed: the process tests run the built server (dist/main.js)');
  await globalSetup(globalConfig);
}
