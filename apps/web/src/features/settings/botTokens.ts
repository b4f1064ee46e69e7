import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc';

/** My bot tokens. This module is the one writer of `tokens.list` in the cache. */

export function useBotTokens() {
  const trpc = useTRPC();
  return useQuery(trpc.tokens.list.queryOptions(undefined, { staleTime: 0 }));
}

function useRefreshTokens() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.tokens.list.queryFilter());
}

/** Creates a token; its secret is in the reply only (the server keeps a hash). */
export function useCreateBotToken() {
  const trpc = useTRPC();
  const refresh = useRefreshTokens();
  return useMutation(trpc.tokens.create.mutationOptions({ onSuccess: refresh }));
}

export function useRevokeBotToken() {
  const trpc = useTRPC();
  const refresh = useRefreshTokens();
  return useMutation(trpc.tokens.revoke.mutationOptions({ onSuccess: refresh }));
}
