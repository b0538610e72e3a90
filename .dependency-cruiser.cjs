/**
 * Import rules lint checks beyond ESLint's (npm run lint): no cycle, type imports counted; the
 * registry stands alone (it never imports the runnable server, the CLI or the server's config); its
 * kernel imports nothing of the registry.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle, type imports counted: nobody can tell which file is below which.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'registry-stands-alone',
      severity: 'error',
      comment: 'The module a host app installs must not depend on what only our server or CLI has.',
      from: { path: '^src/registry/' },
      to: { path: '^src/(server|cli|config|main\\.ts)' },
    },
    {
      name: 'kernel-is-the-bottom',
      severity: 'error',
      comment: "The registry's vocabulary imports nothing of the registry.",
      from: { path: '^src/registry/kernel/' },
      to: { path: '^src/registry/', pathNot: '^src/registry/kernel/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(\\.spec\\.ts$|__fixtures__)' },
  },
};
