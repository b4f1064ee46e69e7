import type { UserEvent } from '@parley/api-contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useReconnected } from '../../lib/connection';
import { currentRoomId, openRoom, useRoomRoute } from '../../lib/route';
import { useTRPC } from '../../lib/trpc';
import { roomLabel } from './labels';
import { ReadMarkThrottle } from './readMarkThrottle';
import { announceRemoval } from './removalNotice';
import { applyUserEvent, markedRead, type RoomList, refetchAfter } from './roomListReducer';

/**
 * The room list (`rooms.list`). This module is the only one that writes it into the query
 * cache or asks for it again: live user events, read marks, reconnects, and "refresh" requests
 * from elsewhere all come through here. Everything else reads it with `useRoomList`.
 */

function useRoomListCache() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    (update: (list: RoomList) => RoomList) => {
      const key = trpc.rooms.list.queryKey();
      const before = queryClient.getQueryData(key);
      const after = update(before);
      if (after !== before) queryClient.setQueryData(key, after);
    },
    [queryClient, trpc],
  );
}

/** The rooms I am in, with unread counts and DM presence. */
export function useRoomList() {
  const trpc = useTRPC();
  return useQuery(trpc.rooms.list.queryOptions());
}

/** Fetches the list again (after I create, join, invite or leave). */
export function useRefreshRoomList(): () => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    () => queryClient.invalidateQueries(trpc.rooms.list.queryFilter()),
    [queryClient, trpc],
  );
}

/**
/**
 * Keeps the list live: rooms added, removed (telling me who removed me) or changed, unread
 * counts, DM presence. Mount once. `onOther` sees every event too, for the state other modules
 * own (my own name: `auth.me`).
 */
export function useRoomListLive(meId: string, onOther?: (event: UserEvent) => void): void {
  const trpc = useTRPC();
  const update = useRoomListCache();
  const refresh = useRefreshRoomList();
  const onEvent = (event: UserEvent) => {
    const openRoomId = currentRoomId();
    let again = false;
    update((list) => {
      again = refetchAfter(event, list);
      if (event.type === 'room.removed' && event.removedBy) {
        // Say who removed me, and from where, rather than let the room vanish unexplained.
        const known = list?.find((r) => r.id === event.roomId);
        const name = event.roomName ?? known?.name ?? '';
        const label = roomLabel({ kind: known?.kind ?? 'public', name });
        announceRemoval(`${event.removedBy.displayName} removed you from ${label}.`);
      }
      return applyUserEvent(list, event, { meId, openRoomId });
    });
    if (again) void refresh();
    if (event.type === 'room.removed' && event.roomId === openRoomId) openRoom(null);
    onOther?.(event);
  };
  useSubscription(trpc.live.userEvents.subscriptionOptions(undefined, { onData: onEvent }));
  // Coming back after a drop: anything may have changed while we were away.
  useReconnected(() => void refresh());
}

/**
 * Tells the server I have read a room up to a position (coalesced: at most twice a second),
 * and shows it as read at once.
 */
export function useMarkRoomRead(): (roomId: string, position: number) => void {
  const trpc = useTRPC();
  const update = useRoomListCache();
  const { mutate } = useMutation(trpc.rooms.markRead.mutationOptions());
  const send = useRef(mutate);
  send.current = mutate;
  // One throttle for the session (this hook's users come and go with the room in view).
  const [throttle] = useState(
    () => new ReadMarkThrottle((roomId, position) => send.current({ roomId, position })),
  );
  useEffect(() => () => throttle.flush(), [throttle]);
  return useCallback(
    (roomId, position) => {
      throttle.mark(roomId, position);
      update((list) => markedRead(list, roomId, position));
    },
    [throttle, update],
  );
}

/** The room in the URL, if it is one of mine; a room that is not (or no longer) mine is left. */
export function useCurrentRoom() {
  const roomId = useRoomRoute();
  const rooms = useRoomList().data;
  const room = rooms?.find((r) => r.id === roomId);
  useEffect(() => {
    if (roomId && rooms && !rooms.some((r) => r.id === roomId)) openRoom(null);
  }, [roomId, rooms]);
  return { roomId, room, rooms };
}
