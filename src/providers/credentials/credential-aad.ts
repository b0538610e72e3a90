/**
 * The AAD that binds a stored credential to its row's natural key, the unique
 * (provider, credential_type) pair of `ai_credentials`. A ciphertext copied into another provider's
 * row then fails to decrypt instead of silently handing provider A's key to provider B.
 *
 * Why not the row id: the natural key is known before the insert and survives dump/restore and
 * re-creating a row. Consequence: renaming a provider slug means re-encrypting its credentials
 * (decrypt with the old AAD, encrypt with the new one).
 *
 * This string is part of the stored format: changing it makes existing rows undecryptable.
 */
export function credentialAad(provider: string, credentialType: string): string {
  // Percent-encoding keeps the parts apart even if a slug ever contains ':'.
  return `ai_credentials:${encodeURIComponent(provider)}:${encodeURIComponent(credentialType)}`;
}
