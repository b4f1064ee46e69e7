import type { RoomSummary } from '@parley/api-contract';

/**
 * A room as words show it: "#general" for a public room; a private room's name alone (a lock
 * marks it where there is room for an icon); the other person's name for a direct message.
 */
export function roomLabel(room: Pick<RoomSummary, 'kind' | 'name'>): string {
  return room.kind === 'public' ? `#${room.name}` : room.name;
}

/** The line at the top of a room's complete history. */
export function beginningOf(room: Pick<RoomSummary, 'kind' | 'name'>): string {
  return room.kind === 'direct'
    ? `This is the beginning of your conversation with ${room.name}.`
    : `This is the beginning of ${roomLabel(room)}.`;
}
