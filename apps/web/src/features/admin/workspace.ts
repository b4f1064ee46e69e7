import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc';

/**
 * The workspace, for its owner: sign-up mode, invites, people. This module is the one writer
 * of `admin.settings`, `admin.listInvites` and `admin.users` in the cache.
 */

export function useWorkspaceSettings() {
  const trpc = useTRPC();
  return useQuery(trpc.admin.settings.queryOptions());
}

export function useUpdateWorkspaceSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.admin.updateSettings.mutationOptions({
      onSuccess: (settings) => queryClient.setQueryData(trpc.admin.settings.queryKey(), settings),
    }),
  );
}

export function useInvites() {
  const trpc = useTRPC();
  return useQuery(trpc.admin.listInvites.queryOptions(undefined, { staleTime: 0 }));
}

function useRefreshInvites() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.admin.listInvites.queryFilter());
}

/** Creates an invite; its code is in the reply only (the server keeps a hash). */
export function useCreateInvite() {
  const trpc = useTRPC();
  const refresh = useRefreshInvites();
  return useMutation(trpc.admin.createInvite.mutationOptions({ onSuccess: refresh }));
}

export function useRevokeInvite() {
  const trpc = useTRPC();
  const refresh = useRefreshInvites();
  return useMutation(trpc.admin.revokeInvite.mutationOptions({ onSuccess: refresh }));
}

/** The workspace's people matching `search` (all when empty), by username, page by page. */
export function useWorkspaceUsers(search: string) {
  const trpc = useTRPC();
  return useInfiniteQuery(
    trpc.admin.users.infiniteQueryOptions(
      { search: search || undefined },
      {
        getNextPageParam: (page) => page.nextCursor ?? undefined,
        staleTime: 0,
        placeholderData: keepPreviousData,
      },
    ),
  );
}

function useRefreshUsers() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.admin.users.pathFilter());
}

export function useDeactivateUser() {
  const trpc = useTRPC();
  const refresh = useRefreshUsers();
  return useMutation(trpc.admin.deactivateUser.mutationOptions({ onSuccess: refresh }));
}

export function useReactivateUser() {
  const trpc = useTRPC();
  const refresh = useRefreshUsers();
  return useMutation(trpc.admin.reactivateUser.mutationOptions({ onSuccess: refresh }));
}
