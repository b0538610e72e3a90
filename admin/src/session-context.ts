import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Principal } from './api/types';

export interface SessionState {
  principal: Principal;
  /** Admin tokens act; viewer tokens see everything read-only. */
  canAct: boolean;
  signOut: () => void;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
