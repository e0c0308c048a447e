// Who is signed in, as GET /api/v1/auth/session says; undefined while asking, null when nobody.
import { createContext, useContext } from 'react';
import type { Response } from '../api/client';

export type SessionInfo = Response<'/api/v1/auth/session', 'get'>;
export type Role = SessionInfo['role'];

export interface SessionState {
  readonly session: SessionInfo | null | undefined;
  /** ask the server again (after sign-in, password change) */
  refresh(): Promise<SessionInfo | null>;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<SessionState>({
  session: undefined,
  refresh: async () => null,
  signOut: async () => {},
});

export const useSession = (): SessionState => useContext(SessionContext);
