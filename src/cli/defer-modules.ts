import Module from 'node:module';

/**
 * A module one of our dependencies requires as it loads, for a feature the CLI seldom or never uses:
 * the requirer gets a stand-in whose `keys` (the only ones it reads) load the real module on first use.
 */
interface Deferral {
  /** The requiring file (or folder, ending in `/`) inside node_modules. */
  from: string;
  request: RegExp;
  /** What the requirer reads of it; a key not listed is not there until the real module is. */
  keys: (match: RegExpExecArray) => string[];
}

/** Checked against the installed modules by defer-modules.spec.ts: an upgrade that reads another key fails there. */
export const DEFERRALS: Deferral[] = [
  // nest-commander's InquirerService (inquirer 8 and lodash, ~250 modules): our commands ask with @inquirer/prompts (prompts.ts).
  {
    from: 'nest-commander/src/command-runner.module.js',
    request: /^inquirer$/,
    keys: () => ['prompts', 'Separator', 'ui', 'createPromptModule', 'prompt', 'registerPrompt', 'restoreDefaultPrompts'],
  },
  // class-validator requires each of validator.js's ~110 checks for its decorators; a validation needs the few its rules use.
  { from: 'class-validator/cjs/', request: /^validator\/lib\/\w+$/, keys: () => ['default'] },
  { from: 'class-validator/cjs/decorator/string/IsStrongPassword.js', request: /^validator$/, keys: () => ['isStrongPassword', 'default'] },
  // ...and libphonenumber-js's metadata for @IsPhoneNumber, which nothing of ours uses.
  { from: 'class-validator/cjs/decorator/string/IsPhoneNumber.js', request: /^libphonenumber-js\/max$/, keys: () => ['parsePhoneNumber'] },
  // TypeORM's DriverFactory requires the driver of every database it knows; the registry runs on PostgreSQL.
  { from: 'typeorm/driver/DriverFactory.js', request: /^\.\/(?!postgres\/)[\w-]+\/(\w+Driver)$/, keys: (match) => [match[1]] },
  // ...its SQL pretty-printer and highlighter, for a logger we do not use, and the `debug` logger's library.
  { from: 'typeorm/platform/PlatformTools.js', request: /^@sqltools\/formatter$/, keys: () => ['format'] },
  { from: 'typeorm/platform/PlatformTools.js', request: /^sql-highlight$/, keys: () => ['highlight'] },
  { from: 'typeorm/logger/DebugLogger.js', request: /^debug$/, keys: () => ['debug'] },
  // @nestjs/schedule's cron parses times with luxon (one 256 KB file); the registry's jobs are its own timers, not @Cron.
  { from: 'cron/dist/time.js', request: /^luxon$/, keys: () => ['DateTime'] },
  // prom-client's CPU metric reads the active span (OpenTelemetry's API, ~45 modules) for exemplars, which the CLI never records.
  { from: 'prom-client/lib/metrics/processCpuTotal.js', request: /^@opentelemetry\/api$/, keys: () => ['trace', 'context'] },
  // nest-commander's plugin loader (cosmiconfig), for `usePlugins`, which we do not set.
  { from: 'nest-commander/src/command.factory.js', request: /^cosmiconfig$/, keys: () => ['cosmiconfig'] },
];

type Load = (request: string, parent: Module | undefined, isMain: boolean) => unknown;

/**
 * Has `require` hand out stand-ins for DEFERRALS: ~570 of the ~2,200 modules `ai:providers:list` loaded.
 * Installed by main.ts (the CLI's process) before anything else loads; the library never does it.
 */
export function deferModules(deferrals: Deferral[] = DEFERRALS): void {
  const loader = Module as unknown as { _load: Load };
  const load = loader._load;
  loader._load = function (this: unknown, request: string, parent: Module | undefined, isMain: boolean) {
    const from = parent?.filename?.replace(/\\/g, '/');
    if (from) {
      for (const deferral of deferrals) {
        const match = inside(from, deferral.from) ? deferral.request.exec(request) : null;
        if (match) return standIn(deferral.keys(match), () => load.call(this, request, parent, isMain) as Record<string, unknown>);
      }
    }
    return load.call(this, request, parent, isMain);
  };
}

/** `file` is `from` (or inside the folder `from`) of the innermost node_modules in its path. */
export function inside(file: string, from: string): boolean {
  const folder = file.lastIndexOf('/node_modules/');
  if (folder < 0) return false;
  const at = folder + '/node_modules/'.length;
  return from.endsWith('/') ? file.startsWith(from, at) : file.length - at === from.length && file.endsWith(from);
}

/** An ES-module-shaped object (so `__importStar`/`__importDefault` take it as it is) whose keys load the real one. */
function standIn(keys: string[], load: () => Record<string, unknown>): Record<string, unknown> {
  let real: Record<string, unknown> | undefined;
  const object: Record<string, unknown> = { __esModule: true };
  for (const key of keys) Object.defineProperty(object, key, { enumerable: true, get: () => (real ??= load())[key] });
  return object;
}
