import { Injectable, Logger } from '@nestjs/common';
import { InvalidInputError } from '../kernel/registry.errors';
import { RegistryStateService } from '../snapshot/registry-state.service';
import { CredentialCipher } from '../key-ring/credential-cipher';
import { CredentialRepository, RotatedCredential } from './credential.repository';
import type { KeyRingCheck, RotationResult } from './credential.types';
import { CredentialDecryptError, UnknownKeyError } from '../key-ring/key-ring.errors';
import { maskSecret } from './mask-secret';

/** The key ring against what is stored: re-encrypting under the active key (rotate-key), and the start-up check. */
@Injectable()
export class KeyRotationService {
  private readonly logger = new Logger(KeyRotationService.name);

  constructor(
    private readonly credentials: CredentialRepository,
    private readonly cipher: CredentialCipher,
    private readonly state: RegistryStateService,
  ) {}

  /**
   * Re-encrypts every credential not under the active key, in batches of `batchSize`, each batch
   * one transaction holding its rows' locks. Every row is decrypted first, so a row the ring cannot
   * read (unknown key, wrong key under a known id, not an envelope at all) is reported as failed and
   * passed over, never counted as current and never a reason to stop. A row stored before masks were
   * (key_mask null) gets its mask on the way, current or not. `onProgress` is told how many rows have
   * been looked at after each batch (the CLI's progress bar).
   */
  async rotate(options: { batchSize?: number; onProgress?: (processed: number) => void } = {}): Promise<RotationResult> {
    const batchSize = options.batchSize ?? 100;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new InvalidInputError('batchSize', 'must be an integer between 1 and 10000');
    }
    const result: RotationResult = { rotated: 0, alreadyCurrent: 0, failed: [] };
    const touched = new Set<string>();
    let afterId = '0';
    for (;;) {
      const batch = await this.credentials.rotateBatch(afterId, batchSize, (rows) =>
        rows.flatMap((row): RotatedCredential[] => {
          try {
            const plaintext = this.cipher.decrypt(row);
            const keyMask = maskSecret(plaintext);
            if (!this.cipher.needsRotation(row.encryptedCredentials)) {
              result.alreadyCurrent++;
              return (row.keyMask ?? null) === null ? [{ id: row.id, envelope: null, keyMask }] : [];
            }
            touched.add(row.provider);
            result.rotated++;
            return [{ id: row.id, envelope: this.cipher.encrypt(plaintext, this.cipher.aadOf(row)), keyMask }];
          } catch (error) {
            result.failed.push({
              id: row.id,
              provider: row.provider,
              credentialType: row.credentialType,
              reason: (error as Error).message,
            });
            return [];
          }
        }),
      );
      if (batch.length === 0) break;
      afterId = batch[batch.length - 1].id;
      options.onProgress?.(result.rotated + result.alreadyCurrent + result.failed.length);
    }
    if (touched.size > 0) await this.state.reload([...touched]);
    this.logger.log(
      `Key rotation to ${this.cipher.activeKeyId}: ${result.rotated} re-encrypted, ${result.alreadyCurrent} already current, ${result.failed.length} failed`,
    );
    return result;
  }

  /**
   * Whether the configured key ring can read what is stored: the start-up check, so a missing or
   * wrong key is named at boot rather than discovered by the first request.
   */
  async checkKeyRing(): Promise<KeyRingCheck> {
    const rows = await this.credentials.listWithProvider({});
    const check: KeyRingCheck = { total: rows.length, readable: 0, missingKeyIds: [], failing: [] };
    const missing = new Set<string>();
    for (const row of rows) {
      try {
        this.cipher.decrypt(row);
        check.readable++;
      } catch (error) {
        if (error instanceof UnknownKeyError) missing.add(error.keyId);
        const reason = error instanceof CredentialDecryptError || error instanceof UnknownKeyError ? error.message : String(error);
        check.failing.push({ id: row.id, provider: row.provider, credentialType: row.credentialType, reason });
      }
    }
    check.missingKeyIds = [...missing].sort();
    return check;
  }
}
