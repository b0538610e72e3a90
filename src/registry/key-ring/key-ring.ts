import { createCipheriv, createDecipheriv, createSecretKey, KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';
import { ENVELOPE_VERSION, formatEnvelope, IV_BYTES, KEY_ID_PATTERN, parseEnvelope, TAG_BYTES } from './envelope';
import { CredentialDecryptError, KeyRingError, UnknownKeyError } from './key-ring.errors';
import { decodeBase64Strict } from './strict-base64';

export const KEY_BYTES = 32; // AES-256
/** The id `CREDENTIALS_KEY` gets, so moving to `CREDENTIALS_KEYS=k2:<new>,k1:<old>` keeps old rows readable. */
export const SINGLE_KEY_ID = 'k1';

const ALGORITHM = 'aes-256-gcm';
const GENERATE_HINT = `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`;

export interface RingKey {
  id: string;
  key: Uint8Array;
}

/** The two environment variables, as the config loader hands them over. */
export interface KeyRingSpec {
  /** `CREDENTIALS_KEYS`: `id:base64key,…`; the first key encrypts, every key decrypts. */
  keys?: string;
  /** `CREDENTIALS_KEY`: one base64 key, given the id `k1`. */
  key?: string;
}

export interface DecryptOptions {
  /** Must equal the `aad` given to `encrypt`, or decryption fails. */
  aad?: string;
  /** Names the value in error messages, e.g. `openai/api_key`. Never put secrets here. */
  label?: string;
}

/**
 * AES-256-GCM over a versioned set of keys. New values are encrypted with the active (first) key;
 * any key in the ring decrypts, so rotation is: prepend a new key, re-encrypt rows for which
 * `needsRotation` is true, then drop the old key.
 *
 * Key material is held as KeyObjects in a #private field, so it does not show up in
 * console.log, util.inspect or JSON.stringify of the ring.
 */
export class KeyRing {
  readonly #keys = new Map<string, KeyObject>();
  readonly activeKeyId: string;

  /** @param source names where the keys came from in error messages (e.g. `CREDENTIALS_KEYS`). */
  constructor(keys: readonly RingKey[], source = 'key ring') {
    if (keys.length === 0) throw new KeyRingError(`${source}: no keys given; ${GENERATE_HINT}`);
    for (const [index, { id, key }] of keys.entries()) {
      if (!KEY_ID_PATTERN.test(id)) {
        throw new KeyRingError(`${source}: key ${index + 1} has an invalid id (use 1-64 letters, digits, '_' or '-')`);
      }
      if (this.#keys.has(id)) {
        throw new KeyRingError(`${source}: key id "${id}" appears more than once; give every key its own id`);
      }
      if (key.length !== KEY_BYTES) {
        throw new KeyRingError(`${source}: key "${id}" must decode to ${KEY_BYTES} bytes, got ${key.length}; ${GENERATE_HINT}`);
      }
      if (key.every((byte) => byte === key[0])) {
        throw new KeyRingError(`${source}: key "${id}" has every byte equal, which looks like a placeholder; ${GENERATE_HINT}`);
      }
      this.#keys.set(id, createSecretKey(key));
    }
    this.activeKeyId = keys[0].id;
  }

  /** Ids in ring order, active first. Ids are not secret. */
  get keyIds(): readonly string[] {
    return [...this.#keys.keys()];
  }

  /**
   * @param aad binds the ciphertext to a context (for credentials: `credentialAad(provider, type)`),
   *   so a value copied into another row does not decrypt there. Omitted and '' are the same context.
   */
  encrypt(plaintext: string, aad?: string): string {
    const keyId = this.activeKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#keys.get(keyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(authenticatedData(keyId, aad));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return formatEnvelope({ keyId, iv, tag: cipher.getAuthTag(), ciphertext });
  }

  /**
   * Returns the plaintext only once the auth tag has verified; otherwise throws. Never returns garbage.
   * @throws CredentialDecryptError (malformed, unsupported-version, authentication-failed), UnknownKeyError
   */
  decrypt(envelope: string, { aad, label }: DecryptOptions = {}): string {
    const { keyId, iv, tag, ciphertext } = parseEnvelope(envelope, label);
    const key = this.#keys.get(keyId);
    if (!key) throw new UnknownKeyError(keyId, this.keyIds, label);

    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(authenticatedData(keyId, aad));
    decipher.setAuthTag(tag);
    let plaintext: Buffer;
    try {
      // update() output is unauthenticated until final() succeeds, so nothing is returned before then.
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new CredentialDecryptError(
        'authentication-failed',
        `key "${keyId}" did not authenticate it (tampered data, a different key under the same id, ` +
          'or a value copied from another row)',
        label,
      );
    }
    const text = plaintext.toString('utf8');
    plaintext.fill(0);
    return text;
  }

  /** Whether `key` (its raw bytes) is one of this ring's keys, under whatever id. */
  holds(key: Uint8Array): boolean {
    for (const own of this.#keys.values()) {
      const raw = own.export();
      if (raw.length === key.length && timingSafeEqual(raw, key)) return true;
    }
    return false;
  }

  /** The id of the key that encrypted `envelope`. @throws CredentialDecryptError when malformed */
  keyIdOf(envelope: string): string {
    return parseEnvelope(envelope).keyId;
  }

  /** True when `envelope` was not encrypted with the active key and should be re-encrypted. */
  needsRotation(envelope: string): boolean {
    return this.keyIdOf(envelope) !== this.activeKeyId;
  }
}

/**
 * Reads `CREDENTIALS_KEYS` / `CREDENTIALS_KEY` into a ring. Setting both is rejected: it would be
 * unclear which key encrypts. Errors name the variable and key id, never the key material.
 * @throws KeyRingError
 */
export function parseKeyRing(spec: KeyRingSpec): KeyRing {
  if (spec.keys !== undefined && spec.key !== undefined) {
    throw new KeyRingError('Set CREDENTIALS_KEYS or CREDENTIALS_KEY, not both: with both it is unclear which key encrypts');
  }
  if (spec.keys !== undefined) {
    if (spec.keys.trim() === '') throw new KeyRingError(`CREDENTIALS_KEYS is empty; ${GENERATE_HINT}`);
    return build('CREDENTIALS_KEYS', spec.keys.split(','), parseEntry);
  }
  if (spec.key !== undefined) {
    return build('CREDENTIALS_KEY', [spec.key], (text, _, variable) => ({
      id: SINGLE_KEY_ID,
      key: decodeKey(text.trim(), variable, SINGLE_KEY_ID),
    }));
  }
  throw new KeyRingError(`No credentials key configured: set CREDENTIALS_KEYS (id:base64key,...) or CREDENTIALS_KEY; ${GENERATE_HINT}`);
}

/** A fresh random key as base64 (e.g. for the embedded database's default key file). */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

type EntryParser = (entry: string, index: number, variable: string) => RingKey;

function build(variable: string, entries: string[], parse: EntryParser): KeyRing {
  const keys: RingKey[] = [];
  try {
    for (const [index, entry] of entries.entries()) keys.push(parse(entry, index, variable));
    return new KeyRing(keys, variable);
  } finally {
    // The ring keeps its own copies (KeyObjects); the decoded buffers are wiped whatever happened.
    for (const { key } of keys) key.fill(0);
  }
}

function parseEntry(entry: string, index: number, variable: string): RingKey {
  const trimmed = entry.trim();
  // Only the position is named until the id is known to be an id: a malformed entry may be a bare key.
  if (trimmed === '') throw new KeyRingError(`${variable}: entry ${index + 1} is empty (stray comma?)`);
  const colon = trimmed.indexOf(':');
  if (colon < 0) throw new KeyRingError(`${variable}: entry ${index + 1} must be id:base64key`);
  const id = trimmed.slice(0, colon).trim();
  if (!KEY_ID_PATTERN.test(id)) {
    throw new KeyRingError(`${variable}: entry ${index + 1} has an invalid key id (use 1-64 letters, digits, '_' or '-')`);
  }
  return { id, key: decodeKey(trimmed.slice(colon + 1).trim(), variable, id) };
}

function decodeKey(text: string, variable: string, id: string): Buffer {
  if (text === '') throw new KeyRingError(`${variable}: key "${id}" is empty; ${GENERATE_HINT}`);
  const key = decodeBase64Strict(text);
  if (!key) throw new KeyRingError(`${variable}: key "${id}" is not valid base64 (standard alphabet, padded)`);
  return key;
}

// The header is authenticated too, so an envelope cannot be relabelled (version or key id) unnoticed.
function authenticatedData(keyId: string, aad: string | undefined): Buffer {
  return Buffer.from(`${ENVELOPE_VERSION}:${keyId}\n${aad ?? ''}`, 'utf8');
}
