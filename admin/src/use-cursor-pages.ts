import { useCallback, useState } from 'preact/hooks';

export interface CursorPages {
  /** The cursor of the page shown; undefined on the first. */
  cursor: string | undefined;
  /** How many pages come before this one (0 on the first). */
  depth: number;
  /** To the page after this one, from the API's `meta.nextCursor`. */
  forward: (nextCursor: string) => void;
  /** Back to the page before this one. */
  back: () => void;
  /** To the first page (new filters). */
  reset: () => void;
}

/** Paging over an API list by its cursors: the cursors of the pages before this one are kept to go back. */
export function useCursorPages(): CursorPages {
  const [cursors, setCursors] = useState<string[]>([]);
  const forward = useCallback((nextCursor: string) => setCursors((c) => [...c, nextCursor]), []);
  const back = useCallback(() => setCursors((c) => c.slice(0, -1)), []);
  const reset = useCallback(() => setCursors((c) => (c.length === 0 ? c : [])), []);
  return { cursor: cursors[cursors.length - 1], depth: cursors.length, forward, back, reset };
}
