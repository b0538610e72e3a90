import { Injectable } from '@nestjs/common';
import { isAccessName } from '../../common/access-name';
import { isBigintId } from '../../common/bigint-id';
import { InvalidInputError, StaleVersionError } from '../kernel/registry.errors';
import { applyConsumerKeyLimits, limitsOf, NO_LIMITS } from './consumer-key-limits.rules';
import { ConsumerKeyCache } from './consumer-key-cache';
import { ConsumerKeyNameTakenError, ConsumerKeyNotFoundError } from './consumer-key.errors';
import { ConsumerKeyRepository, type ConsumerKeyRow } from './consumer-key.repository';
import {
  assertConsumerKeyExpiry,
  assertConsumerKeyName,
  displayPrefixOf,
  generateConsumerKey,
  hashConsumerKey,
  parseConsumerKeyModels,
} from './consumer-key.rules';
import type { ConsumerKeyLimitsInput, ConsumerKeyView, CreateConsumerKeyInput, CreatedConsumerKey } from './consumer-key.types';

function viewOf(row: ConsumerKeyRow, now: number): ConsumerKeyView {
  const status = row.revokedAt !== null ? 'revoked' : row.expiresAt !== null && row.expiresAt.getTime() <= now ? 'expired' : 'active';
  return {
    id: row.id,
    name: row.name,
    prefix: row.keyPrefix,
    models: row.models,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    ...limitsOf(row),
    version: row.version,
    status,
  };
}

/** A key by id when `nameOrId` is all digits (names never are), else by name. */
function keyReference(nameOrId: string): { id: string } | { name: string } {
  if (typeof nameOrId !== 'string') throw new InvalidInputError('key', 'must be a consumer key name or id');
  const byId = /^\d+$/.test(nameOrId);
  // Refused here rather than by PostgreSQL, which would fail the query on an id past bigint.
  if (byId && !isBigintId(nameOrId)) throw new InvalidInputError('key', 'an id is 1 to 9223372036854775807, without leading zeros');
  // Not a name any key can have: no query.
  if (!byId && !isAccessName(nameOrId)) throw new ConsumerKeyNotFoundError(nameOrId);
  return byId ? { id: nameOrId } : { name: nameOrId };
}

/**
 * Consumer keys: the gateway's callers. Created (the key shown once, only its hash kept), listed,
 * revoked; each write is in this process's ConsumerKeyCache when the call returns, and reaches every
 * other instance through the table's change notifications.
 */
@Injectable()
export class ConsumerKeysService {
  constructor(
    private readonly keys: ConsumerKeyRepository,
    private readonly cache: ConsumerKeyCache,
  ) {}

  async create(input: CreateConsumerKeyInput): Promise<CreatedConsumerKey> {
    const name = assertConsumerKeyName(input.name);
    const models = parseConsumerKeyModels(input.models);
    const expiresAt = assertConsumerKeyExpiry(input.expiresAt, Date.now());
    const limits = applyConsumerKeyLimits(NO_LIMITS, input.limits);
    const key = generateConsumerKey();
    const row = await this.cache.write(() =>
      this.keys.insert({ name, keyHash: hashConsumerKey(key), keyPrefix: displayPrefixOf(key), models, expiresAt, limits }),
    );
    if (!row) throw new ConsumerKeyNameTakenError(name);
    return { key, view: viewOf(row, Date.now()) };
  }

  /** Every key, revoked and expired ones included, oldest first; never a key or its hash. */
  async list(): Promise<ConsumerKeyView[]> {
    const now = Date.now();
    return (await this.keys.list()).map((row) => viewOf(row, now));
  }

  /**
   * Revokes a key by name, or by id when `nameOrId` is all digits (names never are). Refused by this
   * process when this returns, by the others within their notification latency.
   */
  async revoke(nameOrId: string): Promise<ConsumerKeyView> {
    const by = keyReference(nameOrId);
    const row = await this.cache.write(() => this.keys.revoke(by));
    if (!row) throw new ConsumerKeyNotFoundError(nameOrId);
    return viewOf(row, Date.now());
  }

  /** A live key by name or id, as lists show it (its `version` the ETag of a conditional update). */
  async get(nameOrId: string): Promise<ConsumerKeyView> {
    const row = await this.keys.findLiveView(keyReference(nameOrId));
    if (!row) throw new ConsumerKeyNotFoundError(nameOrId);
    return viewOf(row, Date.now());
  }

  /**
   * Changes a live key's limits (left out: kept; null: removed), by name or id, in one compare-and-set
   * write: with `expectedVersion` (the view's `version`, an ETag) only if nothing changed since, else
   * StaleVersionError; without it, applied to the key as it is now. In this process's cache when it
   * returns, on the other instances within their notification latency.
   */
  async updateLimits(nameOrId: string, input: ConsumerKeyLimitsInput, expectedVersion?: string): Promise<ConsumerKeyView> {
    const by = keyReference(nameOrId);
    for (let attempt = 0; ; attempt++) {
      const current = await this.keys.findLiveView(by);
      if (!current) throw new ConsumerKeyNotFoundError(nameOrId);
      if (expectedVersion !== undefined && current.version !== expectedVersion) throw new StaleVersionError(current.name);
      const limits = applyConsumerKeyLimits(limitsOf(current), input);
      const row = await this.cache.write(() => this.keys.updateLimits(current.id, current.version, limits));
      if (row) return viewOf(row, Date.now());
      // Changed (or revoked) between the read and the write: with an ETag that is the caller's to resolve.
      if (expectedVersion !== undefined || attempt >= 2) throw new StaleVersionError(current.name);
    }
  }
}
