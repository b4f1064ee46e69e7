import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc';
import { useMeUpdated } from '../auth/session';

/**
 * My account: profile, password and sessions. This module is the one writer of `auth.sessions`
 * in the cache; a new display name goes to `auth.me` through its owner (`useMeUpdated`).
 */

export function useUpdateProfile() {
  const trpc = useTRPC();
  const meUpdated = useMeUpdated();
  return useMutation(trpc.auth.updateProfile.mutationOptions({ onSuccess: meUpdated }));
}

function useRefreshSessions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.auth.sessions.queryFilter());
}

/** Changes my password; every other session of mine is signed out by the server. */
export function useChangePassword() {
  const trpc = useTRPC();
  const refresh = useRefreshSessions();
  return useMutation(trpc.auth.changePassword.mutationOptions({ onSuccess: refresh }));
}

/** My signed-in devices, this one marked `current`. */
export function useSessions() {
  const trpc = useTRPC();
  return useQuery(trpc.auth.sessions.queryOptions(undefined, { staleTime: 0 }));
}

export function useRevokeSession() {
  const trpc = useTRPC();
  const refresh = useRefreshSessions();
  return useMutation(trpc.auth.revokeSession.mutationOptions({ onSuccess: refresh }));
}
