import type { RoomEvent } from '@parley/api-contract/schemas';
import { type DbOrTx, messages, roomEvents, rooms, users } from '@parley/db';
import { and, asc, eq, gt } from 'drizzle-orm';
import { withReactions } from './reactions.js';
import { replies, replyAuthors, threadSummaryOf, toView, viewColumns } from './views.js';

/**
 * The reads behind resuming: what a room's subscriber missed, from the room's event log.
 * (live/room-feed.ts decides when to read; this decides what is read.)
 */

/** The room's events after a position, oldest first, with each message's current state. */
export async function eventsAfter(
  db: DbOrTx,
  roomId: string,
  after: number,
  limit: number,
): Promise<RoomEvent[]> {
  const rows = await db
    .select({
      ...viewColumns,
      event: {
        type: roomEvents.type,
        position: roomEvents.position,
        actorId: roomEvents.actorId,
        emoji: roomEvents.emoji,
      },
      // A thread reply's root's summary (for `message.created`'s `rootThread`).
      rootThread: threadSummaryOf(messages.threadId),
    })
    .from(roomEvents)
    .innerJoin(messages, eq(messages.id, roomEvents.messageId))
    .innerJoin(users, eq(users.id, messages.authorId))
    .leftJoin(replies, eq(replies.id, messages.replyToId))
    .leftJoin(replyAuthors, eq(replyAuthors.id, replies.authorId))
    .where(and(eq(roomEvents.roomId, roomId), gt(roomEvents.position, after)))
    .orderBy(asc(roomEvents.position))
    .limit(limit);
  // Each message as it is now, reactions included (`me` false: events are for everyone).
  const views = await withReactions(
    db,
    rows.map((row) => toView(row)),
    null,
  );
  return rows.map((row, i): RoomEvent => {
    const { type, position, actorId, emoji } = row.event;
    const message = views[i] ?? toView(row);
    if (type === 'reaction.added' || type === 'reaction.removed') {
      return { type, position, message, reaction: { emoji: emoji ?? '', userId: actorId ?? '' } };
    }
    if (type === 'message.created' && row.rootThread) {
      // The root's summary now, not as it was then: a whole value, newer is as good.
      return { type, position, message, rootThread: row.rootThread };
    }
    return { type, position, message };
  });
}

/** The position of the room's latest event (0 when it has none). */
export async function lastPosition(db: DbOrTx, roomId: string): Promise<number> {
  const [room] = await db
    .select({ lastPosition: rooms.lastPosition })
    .from(rooms)
    .where(eq(rooms.id, roomId));
  return room?.lastPosition ?? 0;
}
