import { hash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ACCESS_NAME_RULE, isAccessName } from '../../common/access-name';
import { isBigintId } from '../../common/bigint-id';
import { SharedReads } from '../../common/shared-reads';
import { InvalidInputError } from '../../registry';
import { ApiToken, ApiTokenRole } from './api-token.entity';
import { ApiTokenRepository } from './api-token.repository';
import { UnauthenticatedError } from './auth.errors';
import { AuthenticatedTokens } from './authenticated-tokens';

/** Who made a request: the token's name (for logs and the audit trail) and its role. */
export interface Principal {
  name: string;
  role: ApiTokenRole;
}

const TOKEN_PREFIX = 'reg_';
const TOKEN_PATTERN = /^reg_[A-Za-z0-9_-]{43}$/;

/** Tokens are 256 random bits: a plain SHA-256 is enough to keep them useless if the table leaks. */
/** last_used_at is for people (which tokens are still in use): a minute's precision is plenty. */
const TOUCH_EVERY_MS = 60_000;

export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/**
 * API tokens: created (shown once), verified by hash, listed, revoked. That an operator can get in at
 * all is the server's start-up job (AdminTokenBootstrap), not every user's of this service (the CLI).
 */
@Injectable()
export class ApiTokensService {
  /** Tokens verified lately (see authenticate()), and when this instance last wrote each one's last use. */
  private readonly verified: AuthenticatedTokens;
  private readonly touchedAt = new Map<string, number>();
  /**
   * Lookups by hash: the requests that carry one token when its remembered verification runs out
   * (every API_TOKEN_CACHE_MS, all of a client's concurrent requests at once) share one query.
   */
  private readonly lookups = new SharedReads<string, ApiToken | null>((tokenHash) => this.tokens.findUsableByHash(tokenHash));

  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly config: AppConfig,
  ) {
    this.verified = new AuthenticatedTokens(config.API_TOKEN_CACHE_MS);
  }

  /** A new token; the returned `token` is the only time its value exists outside the caller. */
  async create(name: string, role: ApiTokenRole, expiresAt: Date | null = null): Promise<{ token: string; record: ApiToken }> {
    if (!isAccessName(name)) throw new InvalidInputError('name', ACCESS_NAME_RULE);
    if (role !== 'admin' && role !== 'viewer') throw new InvalidInputError('role', 'must be admin or viewer');
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const record = await this.tokens.insert(name, hashToken(token), role, expiresAt);
    return { token, record };
  }

  /**
   * The principal of a bearer token; UnauthenticatedError (never saying which check failed) otherwise.
   * A token verified in the last API_TOKEN_CACHE_MS costs no query, and its last use is written at
   * most once a minute per instance: otherwise every request would pay two statements.
   */
  async authenticate(token: string): Promise<Principal> {
    const bootstrap = this.config.BOOTSTRAP_ADMIN_TOKEN;
    if (!TOKEN_PATTERN.test(token) && token !== bootstrap) throw new UnauthenticatedError('invalid or expired API token');
    const tokenHash = hashToken(token);
    const now = Date.now();
    const known = this.verified.get(tokenHash, now);
    if (known) {
      await this.touch(known.id, now);
      return { name: known.name, role: known.role };
    }
    // A revoke that lands while this lookup runs must not be undone by remembering what it read.
    const generation = this.verified.generation;
    const record = await this.lookups.get(tokenHash);
    if (!record) throw new UnauthenticatedError('invalid or expired API token');
    // A date from psql such as 'infinity' reaches us as a number: anything but a Date is no expiry here.
    const expiresAt = record.expiresAt instanceof Date ? record.expiresAt.getTime() : null;
    if (generation === this.verified.generation)
      this.verified.remember(tokenHash, { id: record.id, name: record.name, role: record.role, expiresAt }, now);
    await this.touch(record.id, now);
    return { name: record.name, role: record.role };
  }

  /**
   * The principal of a token verified in the last API_TOKEN_CACHE_MS whose last use needs no write
   * now: what authenticate() would answer, without a query or a promise. Undefined otherwise (an
   * unknown or malformed token too): then authenticate() decides, and counts a failure.
   */
  rememberedPrincipal(token: string): Principal | undefined {
    if (!TOKEN_PATTERN.test(token) && token !== this.config.BOOTSTRAP_ADMIN_TOKEN) return undefined;
    const now = Date.now();
    const known = this.verified.get(hashToken(token), now);
    if (!known || (this.touchedAt.get(known.id) ?? -Infinity) <= now - TOUCH_EVERY_MS) return undefined;
    return { name: known.name, role: known.role };
  }

  private async touch(id: string, now: number): Promise<void> {
    if ((this.touchedAt.get(id) ?? -Infinity) > now - TOUCH_EVERY_MS) return;
    this.touchedAt.set(id, now);
    await this.tokens.touch(id);
  }

  /** Every token, without its hash: what the admin CLI lists. */
  list(): Promise<ApiToken[]> {
    return this.tokens.list();
  }

  /** Revokes a token by name, or by id when `nameOrId` is all digits (names never are); false when none was live. */
  async revoke(nameOrId: string): Promise<boolean> {
    const byId = /^\d+$/.test(nameOrId);
    // Refused here rather than by PostgreSQL, which would fail the query on an id past bigint.
    if (byId && !isBigintId(nameOrId)) throw new InvalidInputError('token', 'an id is 1 to 9223372036854775807, without leading zeros');
    const revoked = await this.tokens.revoke(byId ? { id: nameOrId } : { name: nameOrId });
    this.verified.forgetAll();
    return revoked;
  }
}
