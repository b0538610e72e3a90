import * as fs from 'node:fs';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { DomainError } from '../../common/domain-error';
import { KeyRing, KeyRingSpec, generateKey, parseKeyRing } from './key-ring';
import { decodeBase64Strict } from './strict-base64';

export const KEY_RING = Symbol('KeyRing');

const KEY_FILE = 'credentials.key';

export class MissingCredentialsKeyError extends DomainError {
  readonly code = 'CREDENTIALS_KEY_MISSING';
  readonly kind = 'misconfigured';
  constructor() {
    super(
      'CREDENTIALS_KEYS (or CREDENTIALS_KEY) must be set when DATABASE_URL is set: every instance must share the key ring ' +
        `that encrypts credentials. Generate a key with: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`,
    );
  }
}

/** Where the key ring comes from: the configured keys, and the folder a generated key lives in. */
export interface KeyRingSource extends KeyRingSpec {
  /** The folder of the generated key (`credentials.key`), beside the data it protects. */
  dataDir: string;
  /**
   * A single-instance database (the embedded one): without configured keys one is generated once into
   * `dataDir`. Otherwise instances must share the ring, and missing keys stop the boot.
   */
  generateIfMissing: boolean;
}

/**
 * What resolveKeyRing would refuse (no key where instances must share one, a malformed key),
 * without reading or generating anything: for a process to fail before it starts logging.
 */
export function assertKeyRingSource(source: KeyRingSource): void {
  if (source.keys || source.key) parseKeyRing({ keys: source.keys, key: source.key });
  else if (!source.generateIfMissing) throw new MissingCredentialsKeyError();
}

/**
 * On the embedded database a newcomer should not have to make a key, so one is generated once into
 * the data folder (beside the data it protects). With a real PostgreSQL instances must share the
 * ring, so a missing key stops the boot instead of silently making one per instance.
 */
export function resolveKeyRing(source: KeyRingSource, logger = new Logger('KeyRing')): KeyRing {
  const file = path.resolve(source.dataDir, KEY_FILE);
  if (source.keys || source.key) {
    const ring = parseKeyRing({ keys: source.keys, key: source.key });
    // An embedded folder whose credentials were encrypted with its generated key: a ring without
    // that key cannot read them. Said now, not found out by the first request.
    const generated =
      source.generateIfMissing && fs.existsSync(file) ? decodeBase64Strict(fs.readFileSync(file, 'utf8').trim()) : undefined;
    if (generated && !ring.holds(generated)) {
      logger.warn(
        `CREDENTIALS_KEYS does not include the key generated in ${file}: credentials stored with it cannot be decrypted. ` +
          'Add it to the ring (e.g. CREDENTIALS_KEYS=k2:<new>,k1:<that key>) and rotate.',
      );
    }
    return ring;
  }
  if (!source.generateIfMissing) throw new MissingCredentialsKeyError();
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${generateKey()}\n`, { mode: 0o600, flag: 'wx' });
    logger.warn(
      `No CREDENTIALS_KEYS set: generated a credentials key in ${file}. Back it up with the data folder; ` +
        'without it stored credentials cannot be decrypted. Set CREDENTIALS_KEYS to manage keys yourself.',
    );
  }
  return parseKeyRing({ key: fs.readFileSync(file, 'utf8').trim() });
}
