import { InvalidInputError } from '../../../registry';

/** The part of a response a controller sets headers on (Fastify's reply). */
export interface HeaderTarget {
  header(name: string, value: string): unknown;
}

/** A strong ETag carrying the provider's settings version. */
export function etagOf(version: string): string {
  return `"${version}"`;
}

/** The version inside an If-Match header; anything else is refused rather than matched by accident. */
export function versionOf(ifMatch: string): string {
  const match = /^(?:W\/)?"(\d{1,20})"$/.exec(ifMatch.trim());
  if (!match) throw new InvalidInputError('If-Match', 'must be an ETag this API gave out (e.g. "1796120175545123")');
  return match[1];
}
