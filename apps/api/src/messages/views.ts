import type { MessageView, RoomEvent } from '@parley/api-contract/schemas';
import { type DbOrTx, messages, roomEvents, users } from '@parley/db';
import { and, asc, desc, eq, gt, lt, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';

const replies = alias(messages, 'reply');
const replyAuthors = alias(users, 'reply_author');

const viewColumns = {
  message: messages,
  author: { id: users.id, username: users.username, displayName: users.displayName },
  reply: { id: replies.id, body: replies.body, deletedAt: replies.deletedAt },
  replyAuthor: {
    id: replyAuthors.id,
    username: replyAuthors.username,
    displayName: replyAuthors.displayName,
  },
};

type ViewRow = {
  message: typeof messages.$inferSelect;
  author: MessageView['author'];
  reply: { id: string; body: string; deletedAt: Date | null } | null;
  replyAuthor: MessageView['author'] | null;
};

const REPLY_EXCERPT = 200;

function toView(row: ViewRow): MessageView {
  const m = row.message;
  return {
    id: m.id,
    roomId: m.roomId,
    position: m.position,
    clientId: m.clientId,
    body: m.body,
    author: row.author,
    replyTo:
      row.reply && row.replyAuthor
        ? {
            id: row.reply.id,
            author: row.replyAuthor,
            body: row.reply.body.slice(0, REPLY_EXCERPT),
            deleted: row.reply.deletedAt !== null,
          }
        : null,
    createdAt: m.createdAt.toISOString(),
    editedAt: m.editedAt?.toISOString() ?? null,
    deletedAt: m.deletedAt?.toISOString() ?? null,
  };
}

function baseQuery(db: DbOrTx) {
  return db
    .select(viewColumns)
    .from(messages)
    .innerJoin(users, eq(users.id, messages.authorId))
    .leftJoin(replies, eq(replies.id, messages.replyToId))
    .leftJoin(replyAuthors, eq(replyAuthors.id, replies.authorId));
}

export async function messageView(db: DbOrTx, where: SQL | undefined): Promise<MessageView | null> {
  const [row] = await baseQuery(db).where(where).limit(1);
  return row ? toView(row) : null;
}

/** A page of history, newest first, before a position (keyset on (room_id, position)). */
export async function historyPage(
  db: DbOrTx,
  roomId: string,
  before: number | undefined,
  limit: number,
): Promise<{ items: MessageView[]; nextCursor: number | null }> {
  const rows = await baseQuery(db)
    .where(
      and(
        eq(messages.roomId, roomId),
        before !== undefined ? lt(messages.position, before) : undefined,
      ),
    )
    .orderBy(desc(messages.position))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map(toView);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? last.position : null };
}

/** The room's events after a position, oldest first, with each message's current state. */
export async function eventsAfter(
  db: DbOrTx,
  roomId: string,
  after: number,
  limit: number,
): Promise<RoomEvent[]> {
  const rows = await db
    .select({ ...viewColumns, event: { type: roomEvents.type, position: roomEvents.position } })
    .from(roomEvents)
    .innerJoin(messages, eq(messages.id, roomEvents.messageId))
    .innerJoin(users, eq(users.id, messages.authorId))
    .leftJoin(replies, eq(replies.id, messages.replyToId))
    .leftJoin(replyAuthors, eq(replyAuthors.id, replies.authorId))
    .where(and(eq(roomEvents.roomId, roomId), gt(roomEvents.position, after)))
    .orderBy(asc(roomEvents.position))
    .limit(limit);
  return rows.map((row) => ({
    type: row.event.type,
    position: row.event.position,
    message: toView(row),
  }));
}
