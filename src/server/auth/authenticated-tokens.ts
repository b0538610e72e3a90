import type { ApiTokenRole } from './api-token.entity';

interface Entry {
  id: string;
  name: string;
  role: ApiTokenRole;
  expiresAt: number | null;
  cachedUntil: number;
}

/** At most this many tokens are remembered; past it the oldest go first (a Map keeps insertion order). */
const MAX_ENTRIES = 10_000;

/**
 * Tokens this instance verified in the last `ttlMs`, by hash: an authenticated request then costs no
 * query. A token revoked through this instance is forgotten at once; revoked elsewhere (another
 * instance, the CLI, psql), it is refused within ttlMs. Expiry is checked on every hit.
 */
export class AuthenticatedTokens {
  private readonly entries = new Map<string, Entry>();
  /** Moves on at every forgetAll(): a lookup that began before one must not remember its answer. */
  private forgotten = 0;

  get generation(): number {
    return this.forgotten;
  }

  constructor(private readonly ttlMs: number) {}

  get(hash: string, now: number): Entry | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (entry.cachedUntil <= now || (entry.expiresAt !== null && entry.expiresAt <= now)) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry;
  }

  remember(hash: string, token: Omit<Entry, 'cachedUntil'>, now: number): void {
    if (this.ttlMs === 0) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(hash, { ...token, cachedUntil: now + this.ttlMs });
  }

  forgetAll(): void {
    this.forgotten++;
    this.entries.clear();
  }
}
