import { InvalidInputError } from '../kernel/registry.errors';
import type { RequestLogPosition } from './request-log.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MICROS = /^-?\d{1,17}$/;

/** The opaque cursor of a page's last row: its (started_at in microseconds, id), base64url. */
export function encodeRequestCursor(position: RequestLogPosition): string {
  return Buffer.from(`${position.startedMicros}.${position.id}`, 'utf8').toString('base64url');
}

export function decodeRequestCursor(cursor: string): RequestLogPosition {
  const [startedMicros, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('.');
  if (rest.length > 0 || !MICROS.test(startedMicros ?? '') || !UUID.test(id ?? '')) {
    throw new InvalidInputError('cursor', 'is not a cursor this API gave out');
  }
  return { startedMicros, id };
}
