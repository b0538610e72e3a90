/**
 * PGlite inside a jest worker: jest refuses PGlite's internal dynamic import() without
 * --experimental-vm-modules, so load it through Node's own module loader instead of jest's.
 */
export function loadPGlite(): typeof import('@electric-sql/pglite') {
  const nodeModule = require('node:module') as { _load(request: string, parent: null, isMain: boolean): unknown };
  return nodeModule._load(require.resolve('@electric-sql/pglite'), null, false) as typeof import('@electric-sql/pglite');
}
