import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../../support/server-process';

const SOURCES = path.join(REPO_ROOT, 'admin');
export const BUILT_INDEX = path.join(REPO_ROOT, 'dist', 'admin', 'index.html');

function newest(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(target).map((entry) => newest(path.join(target, entry))));
}

/** CI builds the console with `npm run build` first; a local run builds it here when admin/ is newer. */
export function ensureConsoleBuilt(): void {
  if (fs.existsSync(BUILT_INDEX) && newest(BUILT_INDEX) >= newest(SOURCES)) return;
  const vite = path.join(path.dirname(require.resolve('vite/package.json', { paths: [REPO_ROOT] })), 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'admin/vite.config.mts'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
}
