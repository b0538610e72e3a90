import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { generateKey } from './key-ring';
import { resolveKeyRing } from './key-ring.provider';

describe(resolveKeyRing.name, () => {
  let dir: string;
  const warnings: string[] = [];
  const logger = { warn: (message: string) => warnings.push(message) } as unknown as Logger;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'key-ring-'));
    warnings.length = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('warns when an embedded folder has a generated key that CREDENTIALS_KEYS does not include', () => {
    resolveKeyRing({ dataDir: dir, generateIfMissing: true }, logger); // generates credentials.key
    expect(warnings).toHaveLength(1);
    const generated = fs.readFileSync(path.join(dir, 'credentials.key'), 'utf8').trim();

    resolveKeyRing({ dataDir: dir, generateIfMissing: true, keys: `k2:${generateKey()}` }, logger);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/does not include the key generated in .*credentials\.key/);
    expect(warnings[1]).not.toContain(generated);

    // Under any id, the same key is fine.
    resolveKeyRing({ dataDir: dir, generateIfMissing: true, keys: `k2:${generateKey()},old:${generated}` }, logger);
    expect(warnings).toHaveLength(2);
  });
});
