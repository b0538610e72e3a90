import { randomUUID } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Made by the writing
 * instance, so a retried insert can name the rows it sent; its time prefix keeps new rows at the end
 * of the primary key's index instead of scattered through it.
 *
 * The random bits are those of a version 4 UUID after its version digit (its variant bits are the
 * same): randomUUID draws from an entropy pool it refills in batches, where randomBytes(16) asked
 * the system for each id, one call per logged request.
 */
export function timeOrderedId(ms: number = Date.now()): string {
  const time = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').slice(-12);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
}
