import type { UserRef } from '@parley/api-contract/schemas';
import { type DbOrTx, memberships, type RoomKind, rooms, users } from '@parley/db';
import { eq } from 'drizzle-orm';

/** The rooms a user is in, with their kind. */
export function roomsOf(
  db: DbOrTx,
  userId: string,
): Promise<Array<{ id: string; kind: RoomKind }>> {
  return db
    .select({ id: rooms.id, kind: rooms.kind })
    .from(memberships)
    .innerJoin(rooms, eq(rooms.id, memberships.roomId))
    .where(eq(memberships.userId, userId));
}

/** The ids of a room's members. */
export async function memberIdsOf(db: DbOrTx, roomId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(eq(memberships.roomId, roomId));
  return rows.map((m) => m.userId);
}

/** A user as events name them. */
export async function userRef(db: DbOrTx, userId: string): Promise<UserRef> {
  const [user] = await db
    .select({ id: users.id, username: users.username, displayName: users.displayName })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw new Error(`no user ${userId}`);
  return user;
}
