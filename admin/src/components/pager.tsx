import type { CursorPages } from '../use-cursor-pages';

interface PagerProps {
  pages: CursorPages;
  /** The API's `meta.nextCursor` for the page shown; null on the last page. */
  nextCursor: string | null;
  /** What is paged, for screen readers ("Pages of providers"). */
  label: string;
  backLabel: string;
  forwardLabel: string;
}

/** Back and forward buttons for a list paged by cursor; nothing at all when the whole list fits on one page. */
export function Pager({ pages, nextCursor, label, backLabel, forwardLabel }: PagerProps) {
  if (pages.depth === 0 && !nextCursor) return null;
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" disabled={pages.depth === 0} onClick={pages.back}>
        {backLabel}
      </button>
      <button type="button" disabled={!nextCursor} onClick={() => nextCursor && pages.forward(nextCursor)}>
        {forwardLabel}
      </button>
    </nav>
  );
}
