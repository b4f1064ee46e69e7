import type { RoomSummary, UserEvent } from '@parley/api-contract';

/**
 * Pure changes to the room list (`rooms.list`). Each returns the same list when nothing changes,
 * so the cache (and the sidebar) is left alone.
 */

/** The cached list; undefined until it first arrives. */
export type RoomList = RoomSummary[] | undefined;

function patchRooms(
  list: RoomList,
  matches: (room: RoomSummary) => boolean,
  patch: (room: RoomSummary) => RoomSummary,
): RoomList {
  if (!list?.some(matches)) return list;
  return list.map((r) => (matches(r) ? patch(r) : r));
}

/**
 * What a live user event changes in the list at once. Unread counts and membership are then
 * fetched again (`refetchAfter`): the server is the one that knows them.
 */
export function applyUserEvent(
  list: RoomList,
  event: UserEvent,
  viewer: { meId: string; openRoomId: string | null },
): RoomList {
  switch (event.type) {
    case 'room.activity':
      // My own message, or one in the room I am reading: the room has moved on, nothing unread.
      if (event.roomId !== viewer.openRoomId && event.authorId !== viewer.meId) return list;
      return patchRooms(
        list,
        (r) => r.id === event.roomId,
        (r) => ({ ...r, lastPosition: Math.max(r.lastPosition, event.lastPosition) }),
      );
    case 'presence':
      return patchRooms(
        list,
        (r) => r.peer?.id === event.userId,
        (r) => (r.peer ? { ...r, peer: { ...r.peer, online: event.online } } : r),
      );
    case 'user.updated':
      // A DM is named after its other person.
      return patchRooms(
        list,
        (r) => r.peer?.id === event.user.id,
        (r) =>
          r.peer ? { ...r, name: event.user.displayName, peer: { ...r.peer, ...event.user } } : r,
      );
    default:
      return list;
  }
}

/** Whether the list must be fetched again after this event (rooms came or went, unread moved). */
export function refetchAfter(event: UserEvent): boolean {
  return event.type !== 'presence' && event.type !== 'user.updated';
}

/** I have read `roomId` up to `position`. */
export function markedRead(list: RoomList, roomId: string, position: number): RoomList {
  return patchRooms(
    list,
    (r) => r.id === roomId,
    (r) => ({ ...r, unread: 0, lastReadPosition: Math.max(r.lastReadPosition, position) }),
  );
}
