#!/usr/bin/env node
'use strict';
// `npm start` runs this first: it builds dist/ only when a source is newer than the last build (a
// fresh clone, a pull, an edit), so a start with nothing changed costs a few ms instead of a build.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
// The server (nest build) and the admin console it serves at /admin (vite build into dist/admin).
const outputs = [path.join(root, 'dist', 'main.js'), path.join(root, 'dist', 'admin', 'index.html')];
const inputs = ['src', 'admin', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', '.swcrc'];

/** Newest modification time under `target` (a file or a folder), 0 if it does not exist. */
function newest(target) {
  let stat;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted or renamed file changes its folder's time
  for (const entry of fs.readdirSync(target)) latest = Math.max(latest, newest(path.join(target, entry)));
  return latest;
}

const built = Math.min(...outputs.map(newest));
const changed = Math.max(...inputs.map((input) => newest(path.join(root, input))));
if (built > 0 && built >= changed) process.exit(0);

process.stderr.write(
  built === 0
    ? 'No build yet: building dist/ (npm run build)\n'
    : 'Sources changed since the last build: rebuilding dist/ (npm run build)\n',
);
// The same two steps as `npm run build`, in order: nest build empties dist/ first.
const steps = [
  [require.resolve('@nestjs/cli/bin/nest.js', { paths: [root] }), 'build'],
  [
    path.join(path.dirname(require.resolve('vite/package.json', { paths: [root] })), 'bin', 'vite.js'),
    'build',
    '--config',
    'admin/vite.config.mts',
  ],
];
for (const args of steps) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
