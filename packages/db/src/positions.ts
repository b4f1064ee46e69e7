import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from './client.js';
import { type RoomEventType, roomEvents, rooms } from './schema.js';

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
