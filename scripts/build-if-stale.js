#!/usr/bin/env node
'use strict';
// `npm start` runs this first: it builds dist/ only when a source is newer than the last build (a
// fresh clone, a pull, an edit), so a start with nothing changed costs a few ms instead of a build.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const output = path.join(root, 'dist', 'main.js');
const inputs = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];

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

const built = newest(output);
const changed = Math.max(...inputs.map((input) => newest(path.join(root, input))));
if (built > 0 && built >= changed) process.exit(0);

process.stderr.write(
  built === 0
    ? 'No build yet: building dist/ (npm run build)\n'
    : 'Sources changed since the last build: rebuilding dist/ (npm run build)\n',
);
const result = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js', { paths: [root] }), 'build'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
