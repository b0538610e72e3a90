/** The host's own configuration: where its database is, its key ring and its catalog. */
export interface HostSettings {
  databaseUrl: string;
  credentialsKey: string;
  catalogPath: string;
}

export const HOST_SETTINGS = Symbol('HostSettings');

export function hostSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): HostSettings {
  const databaseUrl = env.HOST_DATABASE_URL;
  const credentialsKey = env.HOST_CREDENTIALS_KEY;
  if (!databaseUrl || !credentialsKey) {
    throw new Error('Set HOST_DATABASE_URL and HOST_CREDENTIALS_KEY (a base64 32-byte key)');
  }
  return { databaseUrl, credentialsKey, catalogPath: env.HOST_CATALOG_PATH ?? 'config/providers.yaml' };
}
