import type { MessageView, ThreadSummary } from '@parley/api-contract/schemas';
import {
  type DbOrTx,
  type MessageThread,
  mentions,
  messages,
  messageThreads,
  users,
} from '@parley/db';
import { and, asc, desc, eq, gt, isNull, lt, type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, alias } from 'drizzle-orm/pg-core';

/** The replied-to message and its author, joined beside a message for its excerpt. */
export const replies = alias(messages, 'reply');
export const replyAuthors = alias(users, 'reply_author');

/** The columns a MessageView is made from (with `toView`): select them with these joins. */
export const viewColumns = {
  message: messages,
  author: { id: users.id, username: users.username, displayName: users.displayName },
  reply: { id: replies.id, body: replies.body, deletedAt: replies.deletedAt },
  replyAuthor: {
    id: replyAuthors.id,
    username: replyAuthors.username,
    displayName: replyAuthors.displayName,
  },
  // Who the message mentions: a probe of the mentions primary key per row.
  // (coalesce: drizzle does not map a null.)
  mentions: sql<string[]>`coalesce((select string_agg(${mentions.userId}::text, ',')
    from ${mentions} where ${mentions.messageId} = ${messages.id}), '')`.mapWith(idList),
  // The message's own thread, when it is a root with replies (null otherwise).
  thread: threadSummaryOf(messages.id),
};

/**
 * The summary of the thread rooted at `rootId`, as a column: a probe of message_threads' primary
 * key, so every query selecting it gets it without a join of its own. Null: no replies.
 */
export function threadSummaryOf(rootId: AnyPgColumn) {
  return sql<ThreadSummary | null>`(select json_build_object(
      'replyCount', t.reply_count,
      'lastReplyAt', to_char(t.last_reply_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'participants', t.participants)
    from ${messageThreads} t where t.root_id = ${rootId})`.mapWith(threadOf);
}

/** A thread summary as json_build_object gives it (parsed by the driver, or not). */
function threadOf(value: unknown): ThreadSummary | null {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (!parsed || typeof parsed !== 'object') return null;
  const { replyCount, lastReplyAt, participants } = parsed as Record<string, unknown>;
  return {
    replyCount: Number(replyCount),
    lastReplyAt: String(lastReplyAt),
    participants: Array.isArray(participants) ? participants.map(String) : [],
  };
}

/** A comma-separated list of ids (string_agg's), none when null or empty. */
export function idList(value: unknown): string[] {
  return typeof value === 'string' && value !== '' ? value.split(',') : [];
}

type ViewRow = {
  message: typeof messages.$inferSelect;
  author: MessageView['author'];
  reply: { id: string; body: string; deletedAt: Date | null } | null;
  replyAuthor: MessageView['author'] | null;
  mentions: string[];
  /** Absent for a message just written: it has no replies yet. */
  thread?: ThreadSummary | null;
};

/** A stored thread summary as views and events carry it. */
export function threadSummary(thread: Omit<MessageThread, 'rootId'>): ThreadSummary {
  return {
    replyCount: thread.replyCount,
    lastReplyAt: thread.lastReplyAt.toISOString(),
    participants: thread.participants,
  };
}

const REPLY_EXCERPT = 200;

export function toView(row: ViewRow): MessageView {
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
    threadId: m.threadId,
    thread: row.thread ?? null,
    // Filled in by withReactions (reactions.ts) where a message may have any.
    reactions: [],
    mentions: row.mentions,
  };
}

function viewQuery(db: DbOrTx) {
  return db
    .select(viewColumns)
    .from(messages)
    .innerJoin(users, eq(users.id, messages.authorId))
    .leftJoin(replies, eq(replies.id, messages.replyToId))
    .leftJoin(replyAuthors, eq(replyAuthors.id, replies.authorId));
}

export async function messageView(db: DbOrTx, where: SQL | undefined): Promise<MessageView | null> {
  const [row] = await viewQuery(db).where(where).limit(1);
  return row ? toView(row) : null;
}

/** Roughly the bytes a message takes in a response (its texts; the rest is small and fixed). */
function viewBytes(view: MessageView): number {
  return 400 + Buffer.byteLength(view.body) + Buffer.byteLength(view.replyTo?.body ?? '');
}

/** The rows' views, as many as fit in `maxBytes` (at least one). */
function withinBudget(rows: ViewRow[], maxBytes: number): MessageView[] {
  const items: MessageView[] = [];
  let bytes = 0;
  for (const row of rows) {
    const view = toView(row);
    bytes += viewBytes(view);
    if (items.length > 0 && bytes > maxBytes) break;
    items.push(view);
  }
  return items;
}

/** The room's main list: thread replies are read in their thread (`threadReplies`). */
const mainList = isNull(messages.threadId);

/**
 * A page of history, newest first, before a position (keyset on (room_id, position)). The page
 * ends early, with a cursor, once its messages pass `maxBytes`, so that a page of long messages
 * (or a batch of pages) stays a bounded response.
 */
export async function historyPage(
  db: DbOrTx,
  roomId: string,
  before: number | undefined,
  limit: number,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<{ items: MessageView[]; nextCursor: number | null }> {
  const rows = await viewQuery(db)
    .where(
      and(
        eq(messages.roomId, roomId),
        mainList,
        before !== undefined ? lt(messages.position, before) : undefined,
      ),
    )
    .orderBy(desc(messages.position))
    .limit(limit + 1);
  const items = withinBudget(rows.slice(0, limit), maxBytes);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > items.length && last ? last.position : null };
}

/**
 * The page just after a position: the `limit` oldest messages after it, listed newest first
 * like every page. `nextCursor` (the newest position in it) is the next page's `after`, null
 * once the page reaches the room's latest message.
 */
export async function pageAfter(
  db: DbOrTx,
  roomId: string,
  after: number,
  limit: number,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<{ items: MessageView[]; nextCursor: number | null }> {
  const rows = await viewQuery(db)
    .where(and(eq(messages.roomId, roomId), mainList, gt(messages.position, after)))
    .orderBy(asc(messages.position))
    .limit(limit + 1);
  const items = withinBudget(rows.slice(0, limit), maxBytes);
  const newest = items.at(-1);
  return {
    items: items.reverse(),
    nextCursor: rows.length > items.length && newest ? newest.position : null,
  };
}

/**
 * A page of a thread's replies, oldest first, after a position (keyset on the thread index).
 * `nextCursor` (the page's newest position) is the next page's `cursor`, null at the end.
 */
export async function threadReplies(
  db: DbOrTx,
  rootId: string,
  after: number,
  limit: number,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<{ items: MessageView[]; nextCursor: number | null }> {
  const rows = await viewQuery(db)
    .where(and(eq(messages.threadId, rootId), gt(messages.position, after)))
    .orderBy(asc(messages.position))
    .limit(limit + 1);
  const items = withinBudget(rows.slice(0, limit), maxBytes);
  const newest = items.at(-1);
  return { items, nextCursor: rows.length > items.length && newest ? newest.position : null };
}
