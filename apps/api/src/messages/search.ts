import type { MessageView, messageInputs, RoomSummary } from '@parley/api-contract/schemas';
import { type Db, memberships, messages, rooms, users } from '@parley/db';
import { and, desc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { ok } from '../errors.js';
import { requireMember } from '../rooms/access.js';
import { withReactions } from './reactions.js';
import { replies, replyAuthors, toView, viewColumns } from './views.js';

/**
 * Full-text search over the rooms the caller is a member of (PostgreSQL's, so PGlite's too).
 * The match spells the expression of the GIN index `messages_search_idx` exactly, or the
 * planner cannot use it.
 */
const searchVector = sql`to_tsvector('english', ${messages.body})`;

/**
 * The highlight markers ts_headline puts around matches: two private-use characters, removed
 * from the body first so that they can only be ours. They never reach clients: a snippet
 * travels as plain text plus the ranges to highlight, which a client renders as text.
 */
const START = '\uE000';
const STOP = '\uE001';
const MARKERS = `StartSel=${START}, StopSel=${STOP}`;
/** A body up to this long is its own snippet, whole; a longer one shows fragments around matches. */
const WHOLE_BODY = 240;
const WHOLE = `${MARKERS}, HighlightAll=true`;
const FRAGMENTS = `${MARKERS}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;

export interface Snippet {
  /** Plain text: part of the body around the matches. */
  text: string;
  /** `[start, end)` offsets into `text` (UTF-16 code units, as JS strings index) to highlight. */
  highlights: Array<[number, number]>;
}

export interface SearchHit {
  message: MessageView;
  /** Typed from the contract, not the database row: the published types carry no server types. */
  room: Pick<RoomSummary, 'id' | 'kind'> & {
    /** Null for a direct room (it has no name of its own). */
    name: string | null;
  };
  snippet: Snippet;
}

/** Reads ts_headline's marked text into plain text and the ranges between the markers. */
export function parseHeadline(marked: string): Snippet {
  let text = '';
  const highlights: Array<[number, number]> = [];
  let open: number | null = null;
  for (const ch of marked) {
    if (ch === START) open = text.length;
    else if (ch === STOP) {
      if (open !== null && text.length > open) highlights.push([open, text.length]);
      open = null;
    } else text += ch;
  }
  return { text, highlights };
}

/**
 * A page of matches, newest first (created_at, then position, then id: a total order across
 * rooms), after the cursor (the id of the previous page's last hit). Deleted messages never
 * match. Only rooms the caller is a member of are read: the join on memberships is the
 * authorisation, so an outsider's query cannot reach another room's rows or their snippets.
 */
export async function searchMessages(
  db: Db,
  userId: string,
  input: z.output<typeof messageInputs.search>,
) {
  if (input.roomId) {
    const access = await requireMember(db, input.roomId, userId);
    if (!access.ok) return access;
  }
  const query = sql`websearch_to_tsquery('english', ${input.query})`;
  const conditions: Array<SQL | undefined> = [
    sql`${searchVector} @@ ${query}`,
    isNull(messages.deletedAt),
    input.roomId ? eq(messages.roomId, input.roomId) : undefined,
  ];
  if (input.cursor) {
    // Keyset on the cursor message's own sort key; a cursor that is not a message of the
    // caller's rooms reads as the start (it reveals nothing either way).
    conditions.push(
      sql`(${messages.createdAt}, ${messages.position}, ${messages.id}) < (
        select c.created_at, c.position, c.id from messages c
        join memberships cm on cm.room_id = c.room_id and cm.user_id = ${userId}
        where c.id = ${input.cursor})`,
    );
  }
  const rows = await db
    .select({ ...viewColumns, room: { id: rooms.id, name: rooms.name, kind: rooms.kind } })
    .from(messages)
    .innerJoin(users, eq(users.id, messages.authorId))
    .leftJoin(replies, eq(replies.id, messages.replyToId))
    .leftJoin(replyAuthors, eq(replyAuthors.id, replies.authorId))
    .innerJoin(
      memberships,
      and(eq(memberships.roomId, messages.roomId), eq(memberships.userId, userId)),
    )
    .innerJoin(rooms, eq(rooms.id, messages.roomId))
    .where(and(...conditions))
    .orderBy(desc(messages.createdAt), desc(messages.position), desc(messages.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const headlines = await headlinesOf(
    db,
    page.map((row) => row.message.id),
    input.query,
  );
  const views = await withReactions(
    db,
    page.map((row) => toView(row)),
    userId,
  );
  const items: SearchHit[] = page.map((row, i) => ({
    message: views[i] ?? toView(row),
    room: row.room,
    snippet: parseHeadline(headlines.get(row.message.id) ?? ''),
  }));
  const last = items.at(-1);
  return ok({ items, nextCursor: rows.length > page.length && last ? last.message.id : null });
}

/**
 * ts_headline for the page's messages only (it re-parses each body, so never for rows the
 * page does not show). The ids come from the page above, already restricted to the caller.
 */
async function headlinesOf(db: Db, ids: string[], query: string): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({
      id: messages.id,
      headline: sql<string>`ts_headline('english',
        translate(${messages.body}, ${START + STOP}, ''),
        websearch_to_tsquery('english', ${query}),
        case when char_length(${messages.body}) <= ${WHOLE_BODY} then ${WHOLE} else ${FRAGMENTS} end)`,
    })
    .from(messages)
    .where(inArray(messages.id, ids));
  return new Map(rows.map((row) => [row.id, row.headline]));
}
