import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, setCsrfToken } from '../../api/client';

export type Role = string;

export interface SessionUser {
  id: string | number;
  email: string;
  name: string;
  role: Role;
}

export interface SessionRealm {
  id: string | number;
  name: string;
}

/** A realm the person belongs to, with their role there. */
export interface RealmMembership {
  id: string;
  name: string;
  role: Role;
  coverageRoot?: string;
}

export interface Session {
  user: SessionUser;
  realm: SessionRealm;
  realms?: RealmMembership[];
  csrfToken: string;
}

export interface Credentials {
  email: string;
  password: string;
}

export const SESSION_PATH = '/api/session';
export const sessionQueryKey = ['session'] as const;

/** The current session, or null when the server says we are not signed in (401). */
export async function fetchSession(signal?: AbortSignal): Promise<Session | null> {
  try {
    const session = await api.get<Session>(SESSION_PATH, signal);
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export async function signIn(credentials: Credentials): Promise<Session> {
  const session = await api.post<Session>(SESSION_PATH, credentials);
  setCsrfToken(session.csrfToken);
  return session;
}

export async function signOut(): Promise<void> {
  await api.delete(SESSION_PATH);
}

/** Work in another realm the person belongs to (PUT /api/session/realm). */
export function useSwitchRealm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (realmId: string) => {
      const session = await api.put<Session>(`${SESSION_PATH}/realm`, { realmId });
      setCsrfToken(session.csrfToken);
      return session;
    },
    onSuccess: (session) => {
      // Everything cached belonged to the old realm.
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionQueryKey[0] });
      queryClient.setQueryData(sessionQueryKey, session);
    },
  });
}

export function useSession() {
  return useQuery({
    queryKey: sessionQueryKey,
    queryFn: ({ signal }) => fetchSession(signal),
    staleTime: 5 * 60 * 1000,
    retry: false,
  });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signIn,
    onSuccess: (session) => {
      queryClient.setQueryData(sessionQueryKey, session);
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  const clearLocalSession = () => {
    setCsrfToken(null);
    // Drop every cached server response belonging to the old user.
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionQueryKey[0] });
    queryClient.setQueryData(sessionQueryKey, null);
  };
  return useMutation({
    mutationFn: async () => {
      try {
        await signOut();
      } catch (error) {
        // Already signed out on the server (expired session): treat as success.
        if (error instanceof ApiError && error.status === 401) return;
        throw error;
      }
    },
    onSuccess: clearLocalSession,
  });
}
