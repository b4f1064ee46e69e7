import { mentionedNames } from '@parley/api-contract/limits';
import type { messageInputs } from '@parley/api-contract/schemas';
import { type Db, type DbOrTx, memberships, mentions, messages, rooms, users } from '@parley/db';
import { and, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import { ok } from '../errors.js';
import { withReactions } from './reactions.js';
import type { SearchHit } from './search.js';
import { replies, replyAuthors, toView, viewColumns } from './views.js';

/** Who an edit or deletion started or stopped mentioning. */
export interface MentionChange {
  added: string[];
  removed: string[];
}

/**
 * Makes a message's mentions those of `body` (empty for a deletion): the members of its room
 * it names with `@`, its author aside. In the caller's transaction; says who changed, for the
 * `room.mention` events sent once it commits. (New messages get theirs in appendMessages.)
 */
export async function rewriteMentions(
  tx: DbOrTx,
  message: { id: string; roomId: string; authorId: string; position: number },
  body: string,
): Promise<MentionChange> {
  const names = mentionedNames(body);
  const wanted =
    names.length === 0
      ? []
      : (
          await tx
            .select({ id: users.id })
            .from(users)
            .innerJoin(
              memberships,
              and(eq(memberships.userId, users.id), eq(memberships.roomId, message.roomId)),
            )
            .where(and(inArray(users.username, names), ne(users.id, message.authorId)))
        ).map((row) => row.id);
  const current = (
    await tx
      .select({ userId: mentions.userId })
      .from(mentions)
      .where(eq(mentions.messageId, message.id))
  ).map((row) => row.userId);
  const added = wanted.filter((id) => !current.includes(id));
  const removed = current.filter((id) => !wanted.includes(id));
  if (removed.length > 0) {
    await tx
      .delete(mentions)
      .where(and(eq(mentions.messageId, message.id), inArray(mentions.userId, removed)));
  }
  if (added.length > 0) {
    await tx.insert(mentions).values(
      added.map((userId) => ({
        messageId: message.id,
        userId,
        roomId: message.roomId,
        position: message.position,
      })),
    );
  }
  return { added, removed };
}

export interface MentionHit {
  message: SearchHit['message'];
  room: SearchHit['room'];
}

const mine = alias(mentions, 'mine');

/**
 * The caller's mentions, newest first (when they were mentioned, then message id), after the
 * cursor (the previous page's last message id). Only rooms the caller is a member of now: the
 * join on memberships is the authorisation, so a room left (or a mention in a room one was
 * removed from) no longer shows.
 */
export async function myMentions(
  db: Db,
  userId: string,
  input: z.output<typeof messageInputs.mentions>,
) {
  const limit = input?.limit ?? 20;
  const cursor = input?.cursor;
  const rows = await db
    .select({ ...viewColumns, room: { id: rooms.id, name: rooms.name, kind: rooms.kind } })
    .from(mine)
    .innerJoin(
      memberships,
      and(eq(memberships.roomId, mine.roomId), eq(memberships.userId, userId)),
    )
    .innerJoin(messages, eq(messages.id, mine.messageId))
    .innerJoin(users, eq(users.id, messages.authorId))
    .leftJoin(replies, eq(replies.id, messages.replyToId))
    .leftJoin(replyAuthors, eq(replyAuthors.id, replies.authorId))
    .innerJoin(rooms, eq(rooms.id, mine.roomId))
    .where(
      and(
        eq(mine.userId, userId),
        // Keyset on the cursor mention's own sort key; a cursor not among mine gives no rows.
        cursor
          ? sql`(${mine.createdAt}, ${mine.messageId}) < (
              select c.created_at, c.message_id from ${mentions} c
              where c.user_id = ${userId} and c.message_id = ${cursor})`
          : undefined,
      ),
    )
    .orderBy(desc(mine.createdAt), desc(mine.messageId))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const views = await withReactions(
    db,
    page.map((row) => toView(row)),
    userId,
  );
  const items: MentionHit[] = page.map((row, i) => ({
    message: views[i] ?? toView(row),
    room: row.room,
  }));
  const last = items.at(-1);
  return ok({ items, nextCursor: rows.length > page.length && last ? last.message.id : null });
}
