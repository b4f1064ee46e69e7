import {
  type DbOrTx,
  type MemberRole,
  memberships,
  type Room,
  type RoomKind,
  rooms,
} from '@parley/db';
import { and, eq } from 'drizzle-orm';
import { fail, ok, type Result } from '../errors.js';

export interface RoomAccess {
  room: Room;
  role: MemberRole;
}

export const ROOM_NOT_FOUND = 'Room not found.';
export const ROOM_ARCHIVED = 'This room is archived: it is read-only until an admin unarchives it.';

/**
 * The caller's membership of a room. Outsiders of private and direct rooms get the same
 * NOT_FOUND as for a room that does not exist, so they learn nothing; a public room's
 * existence is public, so there the answer is FORBIDDEN: join first.
 */
export async function requireMember(
  db: DbOrTx,
  roomId: string,
  userId: string,
): Promise<Result<RoomAccess>> {
  const [row] = await db
    .select({ room: rooms, role: memberships.role })
    .from(rooms)
    .leftJoin(memberships, and(eq(memberships.roomId, rooms.id), eq(memberships.userId, userId)))
    .where(eq(rooms.id, roomId));
  if (!row?.role) return notAMember(row?.room.kind ?? null);
  return ok({ room: row.room, role: row.role });
}

/** The refusal for someone who is not in a room of this kind (null: no such room). */
export function notAMember(kind: RoomKind | null) {
  return kind === 'public'
    ? fail('FORBIDDEN', 'Join this room first.')
    : fail('NOT_FOUND', ROOM_NOT_FOUND);
}

/** Archived rooms are read-only: no sends, edits, deletes, invites or joins. */
export function refuseArchived(room: Pick<Room, 'archivedAt'>): Result<null> {
  return room.archivedAt ? fail('FORBIDDEN', ROOM_ARCHIVED) : ok(null);
}

/**
 * The caller is an admin of a room that has admins (not a direct room). Outsiders get what
 * `requireMember` says; `doing` ends the refusal for plain members ("Only the room’s admins
 * can …").
 */
export async function requireRoomAdmin(
  db: DbOrTx,
  roomId: string,
  userId: string,
  doing: string,
): Promise<Result<RoomAccess>> {
  const access = await requireMember(db, roomId, userId);
  if (!access.ok) return access;
  if (access.value.room.kind === 'direct') {
    return fail('BAD_REQUEST', 'A direct conversation has no admins and cannot be changed.');
  }
  if (access.value.role !== 'admin') {
    return fail('FORBIDDEN', `Only the room’s admins can ${doing}.`);
  }
  return access;
}
