import { defineConfig } from 'vite';

// Built by `npm run build` after `nest build` (which empties dist/), into dist/admin, which the
// server serves at /admin (src/server/admin-console). Paths are relative to this file's folder.
export default defineConfig({
  root: import.meta.dirname,
  base: '/admin/',
  publicDir: 'public',
  // Preact's automatic JSX runtime through Vite's own transformer (no framework plugin needed).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  build: {
    outDir: '../dist/admin',
    emptyOutDir: true,
    target: 'es2022',
    // Content-hashed names: the server caches assets/* for a year as immutable; index.html is no-cache.
    assetsDir: 'assets',
    sourcemap: false,
    // No inline <script>/modulepreload polyfill: the CSP allows scripts from this origin only.
    modulePreload: { polyfill: false },
  },
  logLevel: 'warn',
});
