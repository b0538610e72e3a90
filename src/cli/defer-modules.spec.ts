import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { DEFERRALS, inside } from './defer-modules';

const NODE_MODULES = path.resolve(__dirname, '../../node_modules');

function requirers(from: string): string[] {
  const target = path.join(NODE_MODULES, from);
  if (!from.endsWith('/')) return [target];
  return (fs.readdirSync(target, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.js'))
    .map((file) => path.join(target, file));
}

/** Each `require("…")` of `file` a deferral takes, with the name it is bound to and the keys read of that name. */
function deferredRequires(file: string, request: RegExp): Array<{ request: string; match: RegExpExecArray; read: string[] }> {
  const source = fs.readFileSync(file, 'utf8');
  const found = [];
  for (const [, name, , required] of source.matchAll(/(?:const|var|let) (\w+) = (?:[\w.]+\()?require\((["'])([^"']+)\2\)/g)) {
    const match = request.exec(required);
    if (!match) continue;
    const read = [...source.matchAll(new RegExp(`(?<![\\w./"'-])${name}\\.(\\w+)`, 'g'))].map(([, key]) => key);
    found.push({ request: required, match, read });
  }
  return found;
}

describe('deferModules', () => {
  it.each(DEFERRALS.map((deferral) => [`${deferral.request} from ${deferral.from}`, deferral] as const))(
    'defers %s: its requirer reads only the listed keys, and the real module has them',
    (_, deferral) => {
      const found = requirers(deferral.from).flatMap((file) => deferredRequires(file, deferral.request).map((hit) => ({ file, ...hit })));
      expect(found.length).toBeGreaterThan(0);
      for (const { file, request, match, read } of found) {
        const keys = deferral.keys(match);
        expect({ file, request, read: read.filter((key) => !keys.includes(key)) }).toEqual({ file, request, read: [] });
        const real = createRequire(file)(request) as Record<string, unknown>;
        expect({ file, request, missing: keys.filter((key) => real[key] === undefined) }).toEqual({ file, request, missing: [] });
      }
    },
  );

  it('matches a requirer inside the innermost node_modules only', () => {
    expect(inside('/app/node_modules/typeorm/driver/DriverFactory.js', 'typeorm/driver/DriverFactory.js')).toBe(true);
    expect(inside('/app/node_modules/x/node_modules/typeorm/driver/DriverFactory.js', 'typeorm/driver/DriverFactory.js')).toBe(true);
    expect(inside('/app/node_modules/class-validator/cjs/decorator/string/IsEmail.js', 'class-validator/cjs/')).toBe(true);
    expect(inside('/app/node_modules/my-typeorm/driver/DriverFactory.js', 'typeorm/driver/DriverFactory.js')).toBe(false);
    expect(inside('/app/dist/typeorm/driver/DriverFactory.js', 'typeorm/driver/DriverFactory.js')).toBe(false);
  });
});
