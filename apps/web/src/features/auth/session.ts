import type { RevokeReason, UserRef } from '@parley/api-contract';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { socket } from '../../lib/connection';
import { openRoom } from '../../lib/route';
import { useTRPC } from '../../lib/trpc';

/** Who is signed in (null: nobody). The one writer of `auth.me` in the cache is this module. */
export function useMe() {
  const trpc = useTRPC();
  return useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: Number.POSITIVE_INFINITY }));
}

export type Me = NonNullable<ReturnType<typeof useMe>['data']>;

/**
 * Why this browser was signed out without asking (its session was revoked elsewhere): the
 * sign-in screen says so until the next sign-in or a dismissal.
 */
let signedOutNotice: string | null = null;
const noticeListeners = new Set<() => void>();
function setSignedOutNotice(notice: string | null): void {
  signedOutNotice = notice;
  for (const l of noticeListeners) l();
}

/** What the sign-in screen says, by the reason the server gave for closing the socket. */
const SIGNED_OUT_BECAUSE: Record<string, string | undefined> = {
  'password-changed':
    'Your password was changed on another device, so you have been signed out here. Sign in with the new password.',
  'signed-out': 'You have been signed out of this browser (from another device or tab).',
  deactivated:
    'You have been signed out: the workspace owner deactivated your account. Ask them if you need it back.',
} satisfies Partial<Record<RevokeReason, string>>;

export function signedOutMessage(reason: string): string {
  return (
    SIGNED_OUT_BECAUSE[reason] ??
    'You have been signed out: this session has ended. Sign in again to continue.'
  );
}

export function useSignedOutNotice(): { notice: string | null; dismiss: () => void } {
  const notice = useSyncExternalStore(
    (l) => {
      noticeListeners.add(l);
      return () => noticeListeners.delete(l);
    },
    () => signedOutNotice,
  );
  return { notice, dismiss: useCallback(() => setSignedOutNotice(null), []) };
}

/** Signed in: an invite link's code is used (or not needed), so it leaves the address bar. */
function forgetInviteInUrl(): void {
  const url = new URL(location.href);
  if (!url.searchParams.has('invite')) return;
  url.searchParams.delete('invite');
  history.replaceState(history.state, '', url.href);
}

/** After signing in or up: a socket with the new cookie, and every query asked again. */
function useSignedIn() {
  const queryClient = useQueryClient();
  return async () => {
    setSignedOutNotice(null);
    forgetInviteInUrl();
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

/**
 * Nobody is signed in here any more: forget everything but that. A session ended elsewhere
 * keeps the open room in the address, to come back to after signing in again.
 */
async function forgetSession(
  queryClient: QueryClient,
  meKey: readonly unknown[],
  { keepRoute = false } = {},
) {
  await socket.restart();
  if (!keepRoute) openRoom(null);
  queryClient.setQueryData(meKey, null);
  queryClient.removeQueries({
    predicate: (q) => q.queryKey[0]?.toString() !== meKey[0]?.toString(),
  });
}

/** Signs out, then forgets everything but "nobody is signed in" (whatever the server said). */
export function useSignOut() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.auth.signOut.mutationOptions({
      onSettled: () => forgetSession(queryClient, trpc.auth.me.queryKey()),
    }),
  );
}

/** My display name changed (here, or live from another device): the new `auth.me`. */
export function useMeUpdated(): (user: UserRef) => void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    (user) =>
      queryClient.setQueryData(trpc.auth.me.queryKey(), (me) =>
        me && me.id === user.id ? { ...me, ...user } : me,
      ),
    [queryClient, trpc],
  );
}

/**
 * Watches for the server closing the socket because this session no longer works (password
 * changed or signed out elsewhere, account deactivated): asks who I am, and if nobody, goes to
 * the sign-in screen and says why. Mount once, while signed in.
 */
export function useSessionWatch(): void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useEffect(() => {
    let checking = false;
    return socket.onRevoked(async (reason) => {
      if (checking) return; // the socket retries and is refused again meanwhile
      checking = true;
      try {
        const me = await queryClient.fetchQuery({ ...trpc.auth.me.queryOptions(), staleTime: 0 });
        if (me) return; // still signed in (the socket reconnects by itself)
        setSignedOutNotice(signedOutMessage(reason));
        await forgetSession(queryClient, trpc.auth.me.queryKey(), { keepRoute: true });
      } catch {
        // The server cannot be reached: the connection banner says so, and the socket retries.
      } finally {
        checking = false;
      }
    });
  }, [queryClient, trpc]);
}
