import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEST_KEY_1 } from '../../support/registry-app';
import { REPO_ROOT } from '../../support/server-process';
import { TestDatabase, createTestDatabase } from '../../support/test-database';

/** What a host must share with its own app, so Nest's dependency injection sees one copy. */
const PEERS = ['@nestjs/common', '@nestjs/core', '@nestjs/typeorm', 'reflect-metadata', 'rxjs', 'typeorm'];
const HOST_SOURCES = path.join(__dirname, 'scratch-host');

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Exit> {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function ok(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<Exit> {
  const exit = await run(command, args, cwd, env);
  if (exit.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${exit.code}:\n${exit.stdout}\n${exit.stderr}`);
  return exit;
}

interface PackedManifest {
  name: string;
  private?: boolean;
  main?: string;
  types?: string;
  exports?: Record<string, unknown>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/**
 * Installs the tarball the way npm lays it out (the package in node_modules/<name>, its dependencies
 * and the host's peers beside it), without the network: each dependency is a link to this
 * repository's installed copy (the npm cache here has no package metadata, so `npm install
 * --offline` cannot resolve them). Only what the manifest declares is linked, so an import of
 * something it forgot to declare fails here as it would in a host.
 */
function installTarball(tarballDir: string, appDir: string, manifest: PackedManifest): void {
  const modules = path.join(appDir, 'node_modules');
  const names = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {}), '@types/node'];
  for (const name of names) {
    const link = path.join(modules, name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', name), link, 'dir');
  }
  fs.renameSync(tarballDir, path.join(modules, manifest.name));
}

// A cold `npm pack` builds dist/ first (prepare: only when a source is newer); CI has just built it.
jest.setTimeout(240_000);

describe('the packed package in a NestJS app outside the repository', () => {
  let scratch: string;
  let appDir: string;
  let tarball: string;
  let manifest: PackedManifest;
  let db: TestDatabase | undefined;

  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-packed-'));
    appDir = path.join(scratch, 'host-app');
    // npm pack as a publisher would: it runs `prepare` (build if stale), then packs what `files` lists.
    await ok('npm', ['pack', '--pack-destination', scratch], REPO_ROOT);
    const tarballs = fs.readdirSync(scratch).filter((name) => name.endsWith('.tgz'));
    expect(tarballs).toHaveLength(1);
    tarball = path.join(scratch, tarballs[0]);
    const unpacked = path.join(scratch, 'unpacked');
    fs.mkdirSync(unpacked);
    await ok('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1'], scratch);
    manifest = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8')) as PackedManifest;

    fs.cpSync(HOST_SOURCES, appDir, { recursive: true });
    const hostDependencies = Object.fromEntries(
      PEERS.map((name) => [
        name,
        (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version,
      ]),
    );
    fs.writeFileSync(
      path.join(appDir, 'package.json'),
      JSON.stringify(
        { name: 'scratch-host', private: true, dependencies: { [manifest.name]: `file:${tarball}`, ...hostDependencies } },
        null,
        2,
      ),
    );
    installTarball(unpacked, appDir, manifest);
  });

  afterAll(async () => {
    await db?.drop();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('is packed outside the repository, with the built index, its types, the CLI and the catalog, and no sources or tests', async () => {
    expect(path.relative(REPO_ROOT, scratch).startsWith('..')).toBe(true);
    const entries = (await ok('tar', ['-tzf', tarball], scratch)).stdout
      .split('\n')
      .filter(Boolean)
      .map((entry) => entry.replace(/^package\//, ''));
    expect(entries).toEqual(
      expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'config/providers.yaml']),
    );
    expect(entries.filter((entry) => entry.startsWith('dist/database/migrations/') && entry.endsWith('.js')).length).toBeGreaterThan(0);
    expect(entries.filter((entry) => /^(src|test|bench|admin|examples|scripts)\//.test(entry))).toEqual([]);
    expect(entries.filter((entry) => /^dist\/admin\/|\.map$|tsbuildinfo|\.spec\.|__fixtures__/.test(entry))).toEqual([]);
  });

  it('declares its public index with types, its CLI, and the host-shared packages as peers only', () => {
    expect(manifest).toMatchObject({
      main: 'dist/index.js',
      types: 'dist/index.d.ts',
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      bin: { 'ai-registry': 'dist/cli/main.js' },
    });
    expect(Object.keys(manifest.peerDependencies ?? {}).sort()).toEqual(PEERS);
    expect(Object.keys(manifest.dependencies ?? {}).filter((name) => PEERS.includes(name))).toEqual([]);
  });

  it("compiles a TypeScript host against the package's declarations (exports resolved as node16 does)", async () => {
    // The host's own tsconfig: node16 resolution honours `exports`; skipLibCheck off, so a module our
    // declarations import but the manifest does not declare is an error (not a silent `any`); and
    // main.ts expects a type error that only real types (not `any`) can give.
    await ok(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], appDir);
    expect(fs.existsSync(path.join(appDir, 'dist', 'main.js'))).toBe(true);
  });

  it('boots the host on its own PostgreSQL data source: the registry migrations run and a model is selected', async () => {
    db = await createTestDatabase({ migrated: false });
    const exit = await ok(process.execPath, ['dist/main.js'], appDir, {
      ...process.env,
      HOST_DATABASE_URL: db.url,
      HOST_CREDENTIALS_KEY: TEST_KEY_1,
    });
    const report = JSON.parse(exit.stdout.trim().split('\n').pop() ?? '{}') as {
      packageDir: string;
      migrations: string[];
      selection: unknown;
      commonForHost: string;
      commonForPackage: string;
      deepImport: string | null;
    };
    expect(fs.realpathSync(report.packageDir)).toBe(fs.realpathSync(path.join(appDir, 'node_modules', manifest.name)));
    expect(report.migrations).toEqual(
      expect.arrayContaining(['CreateAiCredentials1764000000000', 'PropagateRegistryChanges1764000005000']),
    );
    expect(report.selection).toMatchObject({ provider: 'openai', source: 'global_default' });
    expect(report.commonForPackage).toBe(report.commonForHost);
    expect(report.deepImport).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it("runs the package's CLI bin", async () => {
    const bin = path.join(appDir, 'node_modules', manifest.name, manifest.bin?.['ai-registry'] ?? 'missing');
    const exit = await ok(process.execPath, [bin, '--help'], appDir);
    expect(exit.stdout).toContain('Usage: ai-registry');
  });
});
