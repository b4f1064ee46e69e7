import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { socket } from '../../lib/connection';
import { openRoom } from '../../lib/route';
import { useTRPC } from '../../lib/trpc';

/** Who is signed in (null: nobody). The one writer of `auth.me` in the cache is this module. */
export function useMe() {
  const trpc = useTRPC();
  return useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: Number.POSITIVE_INFINITY }));
}

/** After signing in or up: a socket with the new cookie, and every query asked again. */
function useSignedIn() {
  const queryClient = useQueryClient();
  return async () => {
    await socket.restart();
    await queryClient.resetQueries();
  };
}

export function useSignIn() {
  const trpc = useTRPC();
  const onSuccess = useSignedIn();
  return useMutation(trpc.auth.signIn.mutationOptions({ onSuccess }));
}

export function useSignUp() {
  const trpc = useTRPC();
  const onSuccess = useSignedIn();
  return useMutation(trpc.auth.signUp.mutationOptions({ onSuccess }));
}

/** Signs out, then forgets everything but "nobody is signed in" (whatever the server said). */
export function useSignOut() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.auth.signOut.mutationOptions({
      onSettled: async () => {
        await socket.restart();
        openRoom(null);
        queryClient.setQueryData(trpc.auth.me.queryKey(), null);
        queryClient.removeQueries({
          predicate: (q) => q.queryKey[0]?.toString() !== trpc.auth.me.queryKey()[0]?.toString(),
        });
      },
    }),
  );
}
