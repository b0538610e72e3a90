import type { CredentialMetadata, UiMetadata } from '../entities/provider-config.entity';

export interface StoreCredentialInput {
  /** The secret. Optional only for providers whose catalog entry needs no API key (e.g. ollama). */
  apiKey?: string;
  credentialType?: string;
  /** Per-credential override of the catalog's base URL (self-hosted endpoints, tests). */
  baseUrl?: string | null;
  expiresAt?: Date | null;
  isActive?: boolean;
  metadata?: CredentialMetadata;
  uiMetadata?: UiMetadata;
}

/** A credential as it may be shown anywhere: the secret masked, never in plaintext. */
export interface CredentialView {
  id: string;
  provider: string;
  credentialType: string;
  /** e.g. `sk-…abcd`; null when the stored value cannot be decrypted with the current key ring. */
  masked: string | null;
  /** Why `masked` is null (wrong key ring), naming the key id; never any key material. */
  decryptError?: string;
  keyId: string | null;
  /** `undecryptable`: the key ring cannot read it (see decryptError); availability treats it as no credential. */
  status: 'active' | 'inactive' | 'expired' | 'undecryptable';
  isActive: boolean;
  /** Whether the credential's provider is enabled (operator intent), when listed with it. */
  providerEnabled?: boolean;
  expiresAt: Date | null;
  baseUrl: string | null;
  metadata: CredentialMetadata | null;
  uiMetadata: UiMetadata;
  usageCount: number;
  inputTokens: number;
  outputTokens: number;
  lastUsedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The plaintext credential, for the probe or the host that calls the provider, and nothing else. */
export interface ActiveCredential {
  id: string;
  provider: string;
  credentialType: string;
  apiKey: string;
  baseUrl: string | null;
  expiresAt: Date | null;
}

export interface RotationResult {
  rotated: number;
  alreadyCurrent: number;
  failed: Array<{ id: string; provider: string; credentialType: string; reason: string }>;
}

/** What the start-up check found: how many stored credentials the key ring can read, and why not the rest. */
export interface KeyRingCheck {
  total: number;
  readable: number;
  /** Key ids stored rows were encrypted with that the ring does not hold. */
  missingKeyIds: string[];
  failing: RotationResult['failed'];
}

/**
 * Hears of each credential this process stored with a new secret, or switched on, so its provider's
 * health is checked with it at once (FreshCredentialProbes registers itself as the module starts).
 */
export interface CredentialWriteListener {
  /** Called once the write is in the snapshot; must return at once and never throw (the write is done). */
  afterWrite(provider: string): void;
}
