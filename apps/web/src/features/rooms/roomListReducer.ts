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
    case 'room.updated':
      // Renamed, a topic, archived or unarchived: the sidebar and the open room's header follow.
      return patchRooms(
        list,
        (r) =>
          r.id === event.room.id &&
          (r.name !== event.room.name ||
            r.topic !== event.room.topic ||
            r.archivedAt !== event.room.archivedAt),
        (r) => ({
          ...r,
          name: event.room.name,
          topic: event.room.topic,
          archivedAt: event.room.archivedAt,
        }),
      );
    case 'room.role':
      return patchRooms(
        list,
        (r) => r.id === event.roomId && r.role !== event.role,
        (r) => ({ ...r, role: event.role }),
      );
    default:
      return list;
  }
}

/** Whether the list must be fetched again after this event (rooms came or went, unread moved). */
export function refetchAfter(event: UserEvent): boolean {
  return (
    event.type !== 'presence' &&
    event.type !== 'user.updated' &&
    event.type !== 'room.updated' &&
    event.type !== 'room.role'
  );
}

/** I have read `roomId` up to `position`. */
export function markedRead(list: RoomList, roomId: string, position: number): RoomList {
  return patchRooms(
    list,
    (r) => r.id === roomId,
    (r) => ({ ...r, unread: 0, lastReadPosition: Math.max(r.lastReadPosition, position) }),
  );
}

/** Rooms I can write in, and archived ones (read-only, listed apart). */
export function splitArchived(rooms: readonly RoomSummary[]): {
  open: RoomSummary[];
  archived: RoomSummary[];
} {
  return {
    open: rooms.filter((r) => r.archivedAt === null),
    archived: rooms.filter((r) => r.archivedAt !== null),
  };
}
