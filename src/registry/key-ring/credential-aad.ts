import type { CredentialMetadata } from '../entities/provider-config.entity';

/**
 * The AAD that binds a stored credential to its row's natural key, the unique
 * (provider, credential_type) pair of `ai_credentials`, and to where the key may be sent: its own
 * base URL when it has one. A ciphertext copied into another provider's row, or a row whose
 * `metadata.baseUrl` was pointed elsewhere by someone who can write the database, then fails to
 * decrypt instead of handing the key to another provider or server. Changing a credential's
 * destination therefore means storing its key again.
 *
 * Why not the row id: the natural key is known before the insert and survives dump/restore and
 * re-creating a row. Consequence: renaming a provider slug means re-encrypting its credentials.
 *
 * This string is part of the stored format: changing it makes existing rows undecryptable. Rows
 * without a base URL keep the original form, so credentials stored before destinations were bound
 * still decrypt; they can only ever go to the catalog's base URL.
 */
export function credentialAad(provider: string, credentialType: string, destination: string | null = null): string {
  // Percent-encoding keeps the parts apart even if a slug ever contains ':'.
  const base = `ai_credentials:${encodeURIComponent(provider)}:${encodeURIComponent(credentialType)}`;
  return destination === null ? base : `${base}:${encodeURIComponent(destination)}`;
}

/** The destination a credential is bound to: its metadata's base URL, or none (the catalog's). */
export function destinationOf(metadata: CredentialMetadata | null | undefined): string | null {
  const baseUrl = metadata?.baseUrl;
  // A non-string baseUrl was never written by us; binding its JSON keeps such a row undecryptable.
  if (baseUrl === undefined || baseUrl === null) return null;
  return typeof baseUrl === 'string' ? baseUrl : JSON.stringify(baseUrl);
}
