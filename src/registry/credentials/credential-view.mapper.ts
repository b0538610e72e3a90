import { Injectable } from '@nestjs/common';
import type { AICredential } from '../entities/provider-config.entity';
import { destinationOf } from '../key-ring/credential-aad';
import { CredentialCipher } from '../key-ring/credential-cipher';
import type { CredentialView } from './credential.types';
import { maskSecret } from './mask-secret';

/**
 * A stored credential as it may be shown anywhere. The masked secret is the one stored with it
 * (key_mask), so nothing is decrypted to show it; only a row stored before that column existed is
 * decrypted to be masked, until its next store or key rotation fills the column. Whether the key
 * ring can read the row (`undecryptable` otherwise) is the cipher's remembered answer.
 */
@Injectable()
export class CredentialViewMapper {
  constructor(private readonly cipher: CredentialCipher) {}

  toView(row: AICredential, providerEnabled: boolean | undefined): CredentialView {
    let masked: string | null = null;
    let decryptError: string | undefined;
    let keyId: string | null = null;
    try {
      keyId = this.cipher.keyIdOf(row.encryptedCredentials);
      const stored = row.keyMask ?? null;
      if (stored === null) masked = maskSecret(this.cipher.decrypt(row));
      else {
        this.cipher.assertReadable(row);
        masked = stored;
      }
    } catch (error) {
      decryptError = (error as Error).message;
    }
    const expired = row.expiresAt !== null && row.expiresAt.getTime() <= Date.now();
    return {
      id: row.id,
      provider: row.provider,
      credentialType: row.credentialType,
      masked,
      ...(decryptError ? { decryptError } : {}),
      keyId,
      status: decryptError ? 'undecryptable' : !row.isActive ? 'inactive' : expired ? 'expired' : 'active',
      isActive: row.isActive,
      ...(providerEnabled !== undefined ? { providerEnabled } : {}),
      expiresAt: row.expiresAt,
      baseUrl: destinationOf(row.metadata),
      metadata: row.metadata,
      uiMetadata: row.uiMetadata,
      usageCount: Number(row.usageCount),
      inputTokens: Number(row.inputTokens),
      outputTokens: Number(row.outputTokens),
      lastUsedAt: row.lastUsedAt,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}
