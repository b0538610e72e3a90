import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from './api/client';

/** How often what is on screen is read again, so changes made elsewhere show up without a reload. */
export const POLL_MS = 3000;

export interface Polled<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => Promise<void>;
}

/**
 * Loads now and then every `intervalMs` while the tab is visible; a new `key` starts over. A failed
 * poll keeps the last data on screen and reports the error (and the connection banner says why).
 */
export function usePolling<T>(load: () => Promise<T>, key: string, intervalMs = POLL_MS): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const loader = useRef(load);
  loader.current = load;
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const mine = generation.current;
    try {
      const value = await loader.current();
      if (mine !== generation.current) return;
      setData(value);
      setError(null);
    } catch (failure) {
      if (mine !== generation.current) return;
      setError(messageOf(failure));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    generation.current += 1;
    setLoading(true);
    setData(undefined);
    setError(null);
    void reload();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void reload();
    }, intervalMs);
    return () => {
      clearInterval(timer);
      generation.current += 1;
    };
  }, [key, intervalMs, reload]);

  return { data, error, loading, reload };
}
