import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from './client.js';
import { type RoomEventType, roomEvents, rooms } from './schema.js';

/**
 * Locks a room's row (FOR NO KEY UPDATE, the lock `allocatePosition`'s UPDATE takes) until the
 * transaction ends; false if there is no such room. Lock order: a transaction that changes a
 * message takes its room's row first, then the message's row, as a send does (its UPDATE of
 * the room comes before the foreign-key locks on a reply's root), so no two writes on one
 * message wait for each other in a cycle (docs/design.md, "Lock order").
 */
export async function lockRoom(tx: DbOrTx, roomId: string): Promise<boolean> {
  const rows = await tx
    .select({ id: rooms.id })
    .from(rooms)
    .where(eq(rooms.id, roomId))
    .for('no key update');
  return rows.length > 0;
}

/**
 * Takes the next position in a room. Must run inside the transaction that writes the event:
 * the UPDATE holds the room row's lock until commit, so a later position can never become
 * visible before an earlier one, and a rolled-back transaction gives its number back.
 * (A global sequence has neither property; see packages/db/test/ordering.test.ts.)
 */
export async function allocatePosition(tx: DbOrTx, roomId: string): Promise<number | null> {
  const [row] = await tx
    .update(rooms)
    .set({ lastPosition: sql`${rooms.lastPosition} + 1` })
    .where(eq(rooms.id, roomId))
    .returning({ position: rooms.lastPosition });
  return row?.position ?? null;
}

/** Appends an event to a room's log at the next position and returns that position. */
export async function appendRoomEvent(
  tx: DbOrTx,
  event: {
    roomId: string;
    type: RoomEventType;
    messageId: string;
    position?: number;
    /** Reaction events: who, and which emoji. */
    actorId?: string;
    emoji?: string;
  },
): Promise<number> {
  const position = event.position ?? (await allocatePosition(tx, event.roomId));
  if (position === null) throw new Error(`room ${event.roomId} does not exist`);
  await tx.insert(roomEvents).values({ ...event, position });
  return position;
}
