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
  let changed = false;
  const next = list.map((r) => {
    const after = matches(r) ? patch(r) : r;
    if (after !== r) changed = true;
    return after;
  });
  return changed ? next : list;
}

type ActivityEvent = Extract<UserEvent, { type: 'room.activity' }>;

/**
 * A room moved on (room.activity): its position, its preview and its unread count, from the
 * event alone. An event the list already has (it was fetched after) changes nothing.
 */
function afterActivity(
  r: RoomSummary,
  event: ActivityEvent,
  viewer: { meId: string; openRoomId: string | null },
): RoomSummary {
  if (event.lastPosition <= r.lastPosition) return r;
  const { message } = event;
  const lastPosition = event.lastPosition;
  // Counted as unread by the server: someone else's, past my read mark, not deleted.
  const unreadByServer = event.authorId !== viewer.meId && message.position > r.lastReadPosition;
  // The room in view is marked read as it moves on.
  const counts = unreadByServer && event.roomId !== viewer.openRoomId;
  if (event.inThread) {
    // A thread reply is neither the preview nor unread; a new one's mention of me is counted.
    const mentioned = event.change === 'created' && counts && event.mentions.includes(viewer.meId);
    return { ...r, lastPosition, mentionCount: r.mentionCount + (mentioned ? 1 : 0) };
  }
  switch (event.change) {
    case 'created':
      return {
        ...r,
        lastPosition,
        unread: r.unread + (counts ? 1 : 0),
        mentionCount: r.mentionCount + (counts && event.mentions.includes(viewer.meId) ? 1 : 0),
        lastMessage: message,
      };
    case 'edited':
      return {
        ...r,
        lastPosition,
        lastMessage: r.lastMessage?.position === message.position ? message : r.lastMessage,
      };
    case 'deleted':
      return { ...r, lastPosition, unread: Math.max(0, r.unread - (unreadByServer ? 1 : 0)) };
    case 'reacted':
      return { ...r, lastPosition };
  }
}

/**
 * What a live user event changes in the list at once. Membership changes are then fetched
 * again (`refetchAfter`); a room moving on is patched from the event itself.
 */
export function applyUserEvent(
  list: RoomList,
  event: UserEvent,
  viewer: { meId: string; openRoomId: string | null },
): RoomList {
  switch (event.type) {
    case 'room.activity': {
      const next = patchRooms(
        list,
        (r) => r.id === event.roomId,
        (r) => afterActivity(r, event, viewer),
      );
      if (next === list || !next || event.change !== 'created') return next;
      // Most recently active first, as the server orders it.
      const moved = next.find((r) => r.id === event.roomId);
      return moved ? [moved, ...next.filter((r) => r !== moved)] : next;
    }
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
    case 'room.mention':
      // An edit or deletion mentions me now, or no longer: counted if past my read mark (and,
      // for a new mention, not in the room in view, which is being read).
      return patchRooms(
        list,
        (r) =>
          r.id === event.roomId &&
          event.position > r.lastReadPosition &&
          (event.mentioned ? event.roomId !== viewer.openRoomId : r.mentionCount > 0),
        (r) => ({ ...r, mentionCount: r.mentionCount + (event.mentioned ? 1 : -1) }),
      );
    case 'room.notifications':
      return patchRooms(
        list,
        (r) => r.id === event.roomId && r.notifications !== event.level,
        (r) => ({ ...r, notifications: event.level }),
      );
    default:
      return list;
  }
}

/**
 * Whether the list must be fetched again after this event, given the list before it: rooms
 * came or went or changed, a room not in the list moved on (an empty DM's first message), or
 * the message shown as a room's preview was deleted (the one before it is not known here).
 */
export function refetchAfter(event: UserEvent, before: RoomList): boolean {
  switch (event.type) {
    case 'presence':
    case 'user.updated':
    case 'room.updated':
    case 'room.role':
    case 'room.mention':
    case 'room.notifications':
      return false;
    case 'room.activity': {
      if (!before) return false;
      const room = before.find((r) => r.id === event.roomId);
      if (!room) return true;
      return event.change === 'deleted' && room.lastMessage?.position === event.message.position;
    }
    default:
      return true;
  }
}

/** I have read `roomId` up to `position`. */
export function markedRead(list: RoomList, roomId: string, position: number): RoomList {
  return patchRooms(
    list,
    (r) => r.id === roomId,
    (r) => ({
      ...r,
      unread: 0,
      mentionCount: 0,
      lastReadPosition: Math.max(r.lastReadPosition, position),
    }),
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
