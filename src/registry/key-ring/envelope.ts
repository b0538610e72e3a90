import { CredentialDecryptError } from './key-ring.errors';
import { decodeBase64Strict } from './strict-base64';

/**
 * The stored text form of one encrypted value: `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64 parts).
 * Self-describing so that a row can be decrypted, and flagged for rotation, without any other column.
 * Key ids cannot contain ':' (see KEY_ID_PATTERN), so the split is unambiguous.
 */
export const ENVELOPE_VERSION = 'v1';
export const IV_BYTES = 12; // the GCM-recommended nonce size; random per encryption
export const TAG_BYTES = 16; // full-length tag; shorter tags weaken forgery resistance
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface Envelope {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export function formatEnvelope({ keyId, iv, tag, ciphertext }: Envelope): string {
  return [ENVELOPE_VERSION, keyId, iv, tag, ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64')))
    .join(':');
}

/** Parses without decrypting. Messages describe the defect, never the input (it may be a pasted secret). */
export function parseEnvelope(text: string, label?: string): Envelope {
  const malformed = (detail: string) => new CredentialDecryptError('malformed', detail, label);
  if (typeof text !== 'string') throw malformed('the stored value is not a string');

  const parts = text.split(':');
  const version = parts[0];
  if (version !== ENVELOPE_VERSION) {
    if (/^v\d{1,4}$/.test(version) && parts.length > 1) {
      throw new CredentialDecryptError(
        'unsupported-version',
        `envelope version ${version} is not supported (expected ${ENVELOPE_VERSION})`,
        label,
      );
    }
    throw malformed(`the stored value is not an encrypted envelope (expected a ${ENVELOPE_VERSION}: prefix)`);
  }
  if (parts.length !== 5) {
    throw malformed(`expected 5 ':'-separated parts (${ENVELOPE_VERSION}:keyId:iv:tag:ciphertext), got ${parts.length}`);
  }

  const [, keyId, ivText, tagText, ciphertextText] = parts;
  if (!KEY_ID_PATTERN.test(keyId)) throw malformed('the key id is not valid');
  const iv = decodeBase64Strict(ivText);
  if (!iv || iv.length !== IV_BYTES) throw malformed(`the IV must be ${IV_BYTES} bytes of base64`);
  const tag = decodeBase64Strict(tagText);
  if (!tag || tag.length !== TAG_BYTES) throw malformed(`the auth tag must be ${TAG_BYTES} bytes of base64`);
  const ciphertext = decodeBase64Strict(ciphertextText);
  if (!ciphertext) throw malformed('the ciphertext is not valid base64');
  return { keyId, iv, tag, ciphertext };
}
