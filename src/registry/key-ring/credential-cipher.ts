import { Inject, Injectable } from '@nestjs/common';
import type { AICredential } from '../entities/provider-config.entity';
import { credentialAad, destinationOf } from './credential-aad';
import { KeyRing } from './key-ring';
import { KEY_RING } from './key-ring.provider';

/** The columns that decide whether, and as what, a stored credential decrypts. */
export type StoredCredential = Pick<AICredential, 'id' | 'provider' | 'credentialType' | 'encryptedCredentials' | 'metadata'>;

/**
 * Envelopes remembered as readable, at most this many (oldest forgotten first): enough for every
 * credential of a large install, bounded for a table that keeps growing.
 */
const REMEMBERED = 20_000;

/**
 * Stored credentials through the key ring: encrypts a secret for its row, decrypts a row, and
 * answers whether a row can be read. The ring is fixed for the life of the process, so whether an
 * envelope decrypts under its binding never changes: each one found readable (or written here) is
 * remembered, and asking again costs no decryption. Only the fact is kept, never the plaintext.
 */
@Injectable()
export class CredentialCipher {
  private readonly readable = new Set<string>();

  constructor(@Inject(KEY_RING) private readonly keyRing: KeyRing) {}

  /** The AAD binding a row's envelope to its natural key and destination. */
  aadOf(row: StoredCredential): string {
    return credentialAad(row.provider, row.credentialType, destinationOf(row.metadata));
  }

  /** A new envelope of `plaintext` under the active key, bound to `aad`. */
  encrypt(plaintext: string, aad: string): string {
    const envelope = this.keyRing.encrypt(plaintext, aad);
    this.remember(envelope, aad);
    return envelope;
  }

  /** The row's plaintext; throws the key ring's error, naming the credential, when it cannot be read. */
  decrypt(row: StoredCredential): string {
    const aad = this.aadOf(row);
    const plaintext = this.keyRing.decrypt(row.encryptedCredentials, {
      aad,
      label: `credential ${row.id} (${row.provider}/${row.credentialType})`,
    });
    this.remember(row.encryptedCredentials, aad);
    return plaintext;
  }

  /** Throws what decrypt() would; decrypts only an envelope not seen readable before. */
  assertReadable(row: StoredCredential): void {
    if (!this.readable.has(this.keyOf(row.encryptedCredentials, this.aadOf(row)))) this.decrypt(row);
  }

  isReadable(row: StoredCredential): boolean {
    try {
      this.assertReadable(row);
      return true;
    } catch {
      return false;
    }
  }

  /** The id of the key an envelope was encrypted with (no decryption); throws if it is not an envelope. */
  keyIdOf(envelope: string): string {
    return this.keyRing.keyIdOf(envelope);
  }

  needsRotation(envelope: string): boolean {
    return this.keyRing.needsRotation(envelope);
  }

  get activeKeyId(): string {
    return this.keyRing.activeKeyId;
  }

  private remember(envelope: string, aad: string): void {
    const key = this.keyOf(envelope, aad);
    if (this.readable.has(key)) return;
    if (this.readable.size >= REMEMBERED) this.readable.delete(this.readable.values().next().value as string);
    this.readable.add(key);
  }

  private keyOf(envelope: string, aad: string): string {
    // An envelope is base64 parts joined by ':'; a newline cannot occur in it.
    return `${envelope}\n${aad}`;
  }
}
