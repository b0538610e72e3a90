import { InvalidInputError } from '../../../registry';

/** Keyset pagination over a list already in its order: the cursor names the last item of the previous page. */
export function paginate<T>(
  items: T[],
  keyOf: (item: T) => string,
  limit: number,
  cursor?: string,
): { page: T[]; nextCursor: string | null } {
  let start = 0;
  if (cursor !== undefined) {
    let after: string;
    try {
      after = Buffer.from(cursor, 'base64url').toString('utf8');
    } catch {
      throw new InvalidInputError('cursor', 'is not a cursor this API gave out');
    }
    const index = items.findIndex((item) => keyOf(item) === after);
    if (index < 0) throw new InvalidInputError('cursor', 'is not a cursor this API gave out (or its item is gone)');
    start = index + 1;
  }
  const page = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return { page, nextCursor: more && page.length > 0 ? Buffer.from(keyOf(page[page.length - 1]), 'utf8').toString('base64url') : null };
}
