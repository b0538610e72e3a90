import { inspect } from 'node:util';
import { credentialAad } from './credential-aad';
import { generateKey, KeyRing, parseKeyRing } from './key-ring';
import { CredentialDecryptError, KeyRingError, UnknownKeyError } from './key-ring.errors';

const bytes = (length: number, at: (i: number) => number) => Buffer.from(Array.from({ length }, (_, i) => at(i)));
const keyA = bytes(32, (i) => i); // 00 01 02 … 1f
const keyB = bytes(32, (i) => 255 - i);
const b64A = keyA.toString('base64'); // AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
const b64B = keyB.toString('base64');
const openaiAad = credentialAad('openai', 'api_key');

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw');
}

/** Replaces one ':'-separated part of an envelope. */
function withPart(envelope: string, index: number, replace: (part: string) => string): string {
  const parts = envelope.split(':');
  parts[index] = replace(parts[index]);
  return parts.join(':');
}

/** Flips the low bit of the first byte of a base64 part, keeping it valid base64 of the same length. */
function flipFirstByte(part: string): string {
  const bytes = Buffer.from(part, 'base64');
  bytes[0] ^= 1;
  return bytes.toString('base64');
}

describe(KeyRing.name, () => {
  const ring = new KeyRing([{ id: 'k1', key: keyA }]);

  it('round-trips with and without AAD, including empty and non-ASCII plaintext', () => {
    for (const plaintext of ['sk-proj-abc123', '', 'clé-🔑-ключ']) {
      expect(ring.decrypt(ring.encrypt(plaintext))).toBe(plaintext);
      expect(ring.decrypt(ring.encrypt(plaintext, openaiAad), { aad: openaiAad })).toBe(plaintext);
    }
  });

  it('writes a v1 envelope naming the active key, with a 12-byte IV and a 16-byte tag', () => {
    const [version, keyId, iv, tag, ciphertext] = ring.encrypt('secret').split(':');
    expect([version, keyId]).toEqual(['v1', 'k1']);
    expect(Buffer.from(iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64')).toHaveLength(16);
    expect(Buffer.from(ciphertext, 'base64')).toHaveLength('secret'.length);
  });

  it('never produces the same envelope twice for the same plaintext (random IV)', () => {
    const envelopes = Array.from({ length: 20 }, () => ring.encrypt('same', openaiAad));
    expect(new Set(envelopes).size).toBe(20);
    expect(new Set(envelopes.map((e) => e.split(':')[2])).size).toBe(20);
  });

  it('still decrypts an envelope written by an earlier build (the stored format is frozen)', () => {
    const stored = 'v1:k1:LKavf8IB2rSNHnum:rvF6ETbaT43r6PciZShP3A==:umi0HJNOeDkJhLOgY/W42P3jxZpRIkKbnA==';
    expect(ring.decrypt(stored, { aad: openaiAad })).toBe('sk-test-golden-0123456789');
  });

  describe('tampering fails authentication instead of returning garbage', () => {
    const envelope = ring.encrypt('sk-proj-abc123', openaiAad);
    const cases: Array<[string, string, string | undefined]> = [
      ['ciphertext flipped', withPart(envelope, 4, flipFirstByte), openaiAad],
      ['tag flipped', withPart(envelope, 3, flipFirstByte), openaiAad],
      ['IV flipped', withPart(envelope, 2, flipFirstByte), openaiAad],
      ['ciphertext truncated', withPart(envelope, 4, (p) => Buffer.from(p, 'base64').subarray(1).toString('base64')), openaiAad],
      ['AAD of another row', envelope, credentialAad('anthropic', 'api_key')],
      ['AAD missing', envelope, undefined],
    ];
    it.each(cases)('%s', (_, stored, aad) => {
      const error = thrown(() => ring.decrypt(stored, { aad, label: 'openai/api_key' }));
      expect(error).toBeInstanceOf(CredentialDecryptError);
      expect(error).toMatchObject({ code: 'CREDENTIAL_DECRYPT_FAILED', reason: 'authentication-failed' });
      expect(error.message).toContain('Credential openai/api_key could not be decrypted');
      expect(error.message).toContain('"k1"');
    });
  });

  it('authenticates the header, so relabelling the key id fails even when both ids hold the same key', () => {
    const twin = new KeyRing([
      { id: 'k2', key: keyA },
      { id: 'k1', key: keyA },
    ]);
    const relabelled = withPart(twin.encrypt('secret'), 1, () => 'k1');
    expect(thrown(() => twin.decrypt(relabelled))).toMatchObject({ reason: 'authentication-failed' });
  });

  describe('rotation', () => {
    const oldRing = new KeyRing([{ id: 'k1', key: keyA }]);
    const rotated = new KeyRing([
      { id: 'k2', key: keyB },
      { id: 'k1', key: keyA },
    ]);
    const oldEnvelope = oldRing.encrypt('sk-ant-old', openaiAad);

    it('encrypts with the first key and decrypts envelopes of every key', () => {
      const newEnvelope = rotated.encrypt('sk-ant-new', openaiAad);
      expect(rotated.activeKeyId).toBe('k2');
      expect(rotated.keyIds).toEqual(['k2', 'k1']);
      expect(rotated.keyIdOf(newEnvelope)).toBe('k2');
      expect(rotated.decrypt(oldEnvelope, { aad: openaiAad })).toBe('sk-ant-old');
      expect(rotated.decrypt(newEnvelope, { aad: openaiAad })).toBe('sk-ant-new');
    });

    it('flags envelopes of non-active keys for re-encryption', () => {
      expect(rotated.keyIdOf(oldEnvelope)).toBe('k1');
      expect(rotated.needsRotation(oldEnvelope)).toBe(true);
      expect(rotated.needsRotation(rotated.encrypt('x'))).toBe(false);
      expect(oldRing.needsRotation(oldEnvelope)).toBe(false);
    });

    it('names the missing key id when the old key was dropped too early', () => {
      const newOnly = new KeyRing([{ id: 'k2', key: keyB }]);
      const error = thrown(() => newOnly.decrypt(oldEnvelope, { aad: openaiAad, label: 'openai/api_key' }));
      expect(error).toBeInstanceOf(UnknownKeyError);
      expect(error).toMatchObject({ code: 'CREDENTIAL_KEY_UNKNOWN', keyId: 'k1', knownKeyIds: ['k2'] });
      expect(error.message).toContain('Credential openai/api_key was encrypted with key "k1"');
      expect(error.message).toContain('known: k2');
    });
  });

  describe('malformed envelopes', () => {
    const good = ring.encrypt('secret');
    const pasted = 'sk-proj-THISWASSTOREDINPLAINTEXT1234';
    const cases: Array<[string, string, string, string]> = [
      ['plaintext stored by mistake', pasted, 'malformed', 'not an encrypted envelope'],
      ['empty', '', 'malformed', 'not an encrypted envelope'],
      ['too few parts', good.split(':').slice(0, 4).join(':'), 'malformed', 'got 4'],
      ['too many parts', `${good}:AAAA`, 'malformed', 'got 6'],
      ['bad key id', withPart(good, 1, () => 'k 1'), 'malformed', 'key id'],
      ['short IV', withPart(good, 2, () => 'AAAAAAAA'), 'malformed', 'IV must be 12 bytes'],
      ['IV not base64', withPart(good, 2, () => 'not*base64*!'), 'malformed', 'IV'],
      ['short tag', withPart(good, 3, () => 'AAAAAAAA'), 'malformed', 'tag must be 16 bytes'],
      ['ciphertext not base64', withPart(good, 4, () => 'abc'), 'malformed', 'ciphertext'],
      ['future version', withPart(good, 0, () => 'v2'), 'unsupported-version', 'version v2'],
    ];
    it.each(cases)('%s', (_, stored, reason, fragment) => {
      const error = thrown(() => ring.decrypt(stored, { label: 'row 7' }));
      expect(error).toBeInstanceOf(CredentialDecryptError);
      expect(error).toMatchObject({ code: 'CREDENTIAL_DECRYPT_FAILED', reason, label: 'row 7' });
      expect(error.message).toContain('Credential row 7');
      expect(error.message).toContain(fragment);
      expect(error.message).not.toContain('THISWASSTORED');
    });

    it('keyIdOf and needsRotation reject them too', () => {
      expect(() => ring.keyIdOf(pasted)).toThrow(CredentialDecryptError);
      expect(() => ring.needsRotation(pasted)).toThrow(CredentialDecryptError);
    });
  });

  it('keeps key material out of inspect and JSON', () => {
    const shown = inspect(ring, { showHidden: true, depth: 10 }) + JSON.stringify(ring);
    expect(shown).toContain('k1');
    expect(shown).not.toContain(b64A);
    expect(shown).not.toContain(keyA.toString('hex'));
  });
});

describe(parseKeyRing.name, () => {
  it('reads CREDENTIALS_KEY as the single key k1', () => {
    const ring = parseKeyRing({ key: b64A });
    expect(ring.activeKeyId).toBe('k1');
    expect(ring.keyIds).toEqual(['k1']);
    const stored = new KeyRing([{ id: 'k1', key: keyA }]).encrypt('secret');
    expect(ring.decrypt(stored)).toBe('secret');
  });

  it('reads CREDENTIALS_KEYS with the first key active and every key decrypting', () => {
    const ring = parseKeyRing({ keys: ` k2:${b64B} , k1:${b64A} ` });
    expect(ring.activeKeyId).toBe('k2');
    expect(ring.keyIds).toEqual(['k2', 'k1']);
    expect(ring.decrypt(parseKeyRing({ key: b64A }).encrypt('old'))).toBe('old');
  });

  const short = bytes(16, (i) => i).toString('base64');
  const zero = Buffer.alloc(32).toString('base64');
  const cases: Array<[string, { keys?: string; key?: string }, string, string[]]> = [
    ['nothing set', {}, 'No credentials key configured', []],
    ['both set', { keys: `k1:${b64A}`, key: b64B }, 'not both', [b64A, b64B]],
    ['CREDENTIALS_KEYS empty', { keys: '  ' }, 'CREDENTIALS_KEYS is empty', []],
    ['CREDENTIALS_KEY empty', { key: '' }, 'CREDENTIALS_KEY: key "k1" is empty', []],
    ['stray comma', { keys: `k1:${b64A},,k2:${b64B}` }, 'CREDENTIALS_KEYS: entry 2 is empty', [b64A, b64B]],
    ['bare key without id', { keys: b64A }, 'CREDENTIALS_KEYS: entry 1 must be id:base64key', [b64A, b64A.slice(0, 12)]],
    ['invalid id', { keys: `k1:${b64A},bad id:${b64B}` }, 'entry 2 has an invalid key id', [b64B, 'bad id']],
    ['not base64', { keys: `k1:${b64A}%%` }, 'CREDENTIALS_KEYS: key "k1" is not valid base64', [b64A]],
    ['non-canonical base64', { key: 'AB==' }, 'CREDENTIALS_KEY: key "k1" is not valid base64', ['AB==']],
    ['wrong length', { keys: `k1:${b64A},k0:${short}` }, 'CREDENTIALS_KEYS: key "k0" must decode to 32 bytes, got 16', [short, b64A]],
    ['wrong length (single)', { key: short }, 'CREDENTIALS_KEY: key "k1" must decode to 32 bytes', [short]],
    ['duplicate id', { keys: `k1:${b64A},k1:${b64B}` }, 'CREDENTIALS_KEYS: key id "k1" appears more than once', [b64A, b64B]],
    ['placeholder key', { key: zero }, 'CREDENTIALS_KEY: key "k1" has every byte equal', [zero]],
  ];
  it.each(cases)('rejects %s without echoing key material', (_, spec, fragment, material) => {
    const error = thrown(() => parseKeyRing(spec));
    expect(error).toBeInstanceOf(KeyRingError);
    expect(error).toMatchObject({ code: 'INVALID_KEY_RING' });
    expect(error.message).toContain(fragment);
    for (const secret of material) expect(error.message).not.toContain(secret);
  });
});

describe(generateKey.name, () => {
  it('returns distinct base64 keys of 32 bytes that a ring accepts', () => {
    const [a, b] = [generateKey(), generateKey()];
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64')).toHaveLength(32);
    const ring = parseKeyRing({ keys: `new:${a},old:${b}` });
    expect(ring.decrypt(ring.encrypt('secret'))).toBe('secret');
  });
});

describe('KeyRing.holds', () => {
  it('finds a key by its bytes under any id, and nothing else', () => {
    const a = generateKey();
    const b = generateKey();
    const ring = parseKeyRing({ keys: `k2:${b},k7:${a}` });
    expect(ring.holds(Buffer.from(a, 'base64'))).toBe(true);
    expect(ring.holds(Buffer.from(generateKey(), 'base64'))).toBe(false);
    expect(ring.holds(Buffer.alloc(16, 1))).toBe(false);
  });
});
