import { LIMITS } from '@parley/api-contract/limits';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from './client.js';
import { queryRows } from './raw.js';
import {
  type Message,
  type MessageThread,
  memberships,
  mentions,
  messages,
  messageThreads,
  type RoomKind,
  roomEvents,
  rooms,
  type User,
  users,
} from './schema.js';

export type NewMessage = Pick<Message, 'authorId' | 'clientId' | 'body' | 'replyToId'> &
  Partial<Pick<Message, 'threadId'>> & {
    /** The usernames the body names with `@` (lower-case): those who are members are mentioned. */
    mentionNames?: string[];
  };

type Person = Pick<User, 'id' | 'username' | 'displayName'>;

/** What happened to one message of a batch (in the order given). */
export type AppendResult =
  | {
      outcome: 'created';
      message: Message;
      author: Person;
      reply: Pick<Message, 'id' | 'body' | 'deletedAt'> | null;
      replyAuthor: Person | null;
      /** For a thread reply: its root's summary once this batch is committed. */
      rootThread: MessageThread | null;
      /** Ids of the members the message mentions. */
      mentions: string[];
    }
  /** The author is not a member; `roomKind` is null when the room does not exist. */
  | { outcome: 'not_member'; roomKind: RoomKind | null }
  /** The room is archived (read-only). */
  | { outcome: 'archived' }
  /** (author, clientId) is already a message: this one. Nothing was written. */
  | { outcome: 'duplicate'; messageId: string }
  /** `replyToId` is not a message of this room. */
  | { outcome: 'bad_reply' }
  /**
   * `threadId` is not a message of this room (`missing`), is itself a thread reply (`nested`),
   * or was deleted (`deleted`).
   */
  | { outcome: 'bad_thread'; reason: 'missing' | 'nested' | 'deleted' };

type Outcome = AppendResult['outcome'] | 'no_thread' | 'nested_thread' | 'deleted_thread';

interface Row {
  outcome: Outcome;
  room_kind: RoomKind | null;
  existing_id: string | null;
  id: string | null;
  position: number | null;
  created_ms: number | null;
  username: string | null;
  display_name: string | null;
  reply_id: string | null;
  reply_body: string | null;
  reply_deleted_ms: number | null;
  reply_author_id: string | null;
  reply_author_username: string | null;
  reply_author_display_name: string | null;
  thread_reply_count: number | null;
  thread_last_reply_ms: number | null;
  thread_participants: string[] | null;
  mentions: string | null;
}

/** The first few distinct ids of a uuid array, in the array's order (latest first). */
function latestDistinct(ids: ReturnType<typeof sql>) {
  return sql`array(select p from unnest(${ids}) with ordinality u(p, o)
    group by p order by min(o) limit ${sql.raw(String(LIMITS.threadParticipantsShown))})`;
}

/**
 * Writes a batch of new messages to one room in a single statement, so in one round trip and
 * one implicit transaction: it checks each author's membership, that the room is not archived,
 * each `replyToId` and `threadId`,
 * and (author, clientId) against messages already committed; takes one range of positions for
 * the messages that pass (`UPDATE rooms SET last_position = last_position + n`, which holds
 * the room row's lock until the statement commits, so positions stay gap-free and in commit
 * order); inserts them, their `message.created` events and their mentions (the `@names` that
 * are members of the room, the author aside; that part of the statement is left out when no
 * message of the batch names anyone); adds thread replies to their roots' summaries (after
 * the room's lock, so batches of a room update them in turn); and returns, for every input in
 * order, its outcome with what a message view needs (author, reply excerpt, mentions).
 *
 * (author, clientId) must be distinct within a batch. If a duplicate commits elsewhere while
 * this statement waits for the room's lock, the unique index fails the whole statement and
 * nothing is written: the caller retries, and the retry sees it as a duplicate.
 */
export async function appendMessages(
  db: DbOrTx,
  roomId: string,
  batch: NewMessage[],
): Promise<AppendResult[]> {
  const input = JSON.stringify(
    batch.map((m, ord) => ({
      ord,
      author_id: m.authorId,
      client_id: m.clientId,
      body: m.body,
      reply_to_id: m.replyToId ?? null,
      thread_id: m.threadId ?? null,
      mention_names: m.mentionNames?.join(' ') ?? '',
    })),
  );
  const room = sql`${roomId}::uuid`;
  const naming = batch.some((m) => (m.mentionNames?.length ?? 0) > 0);
  // Thread checks and summaries only when a message of the batch is a thread reply: most
  // batches have none, and the root join and the summary upsert cost every statement.
  const threading = batch.some((m) => m.threadId);
  const rows = await queryRows<Row>(
    db,
    sql`
    with input as (
      select * from json_to_recordset(${input}::json)
        as t(ord int, author_id uuid, client_id text, body text, reply_to_id uuid, thread_id uuid,
          mention_names text)
    ),
    checked as (
      select i.*, existing.id as existing_id,
        case
          when m.user_id is null then 'not_member'
          when existing.id is not null then 'duplicate'
          when exists (
            select 1 from ${rooms} a where a.id = ${room} and a.archived_at is not null
          ) then 'archived'
          when i.reply_to_id is not null and not exists (
            select 1 from ${messages} r where r.id = i.reply_to_id and r.room_id = ${room}
          ) then 'bad_reply'
          ${
            threading
              ? sql`when i.thread_id is not null and root.id is null then 'no_thread'
          when root.thread_id is not null then 'nested_thread'
          when root.deleted_at is not null then 'deleted_thread'`
              : sql``
          }
          else 'created'
        end as outcome
      from input i
      left join ${memberships} m on m.room_id = ${room} and m.user_id = i.author_id
      ${threading ? sql`left join ${messages} root on root.id = i.thread_id and root.room_id = ${room}` : sql``}
      left join ${messages} existing
        on existing.author_id = i.author_id and existing.client_id = i.client_id
    ),
    accepted as (
      select c.*, row_number() over (order by c.ord) as k from checked c where c.outcome = 'created'
    ),
    taken as (
      update ${rooms} set last_position = last_position + (select count(*) from accepted)
      where id = ${room} and exists (select 1 from accepted)
      returning last_position - (select count(*) from accepted) as base
    ),
    inserted as (
      insert into ${messages} (room_id, author_id, position, client_id, body, reply_to_id, thread_id)
      select ${room}, a.author_id, t.base + a.k, a.client_id, a.body, a.reply_to_id, a.thread_id
      from accepted a cross join taken t
      returning id, author_id, client_id, position, created_at, thread_id
    ),
    logged as (
      insert into ${roomEvents} (room_id, position, type, message_id)
      select ${room}, position, 'message.created', id from inserted
    )${
      threading
        ? sql`,
    replied as (
      select thread_id as root_id, count(*) as n, max(created_at) as last_at,
        array_agg(author_id order by position desc) as authors
      from inserted where thread_id is not null group by thread_id
    ),
    threaded as (
      insert into ${messageThreads} (root_id, reply_count, last_reply_at, participants)
      select root_id, n, last_at, ${latestDistinct(sql`authors`)} from replied
      on conflict (root_id) do update set
        reply_count = ${messageThreads.replyCount} + excluded.reply_count,
        last_reply_at = greatest(${messageThreads.lastReplyAt}, excluded.last_reply_at),
        participants = ${latestDistinct(sql`excluded.participants || ${messageThreads.participants}`)}
      returning root_id, reply_count, last_reply_at, participants
    )`
        : sql``
    }${
      naming
        ? sql`,
    mentioned as (
      insert into ${mentions} (message_id, user_id, room_id, position)
      select distinct n.id, mu.id, ${room}, n.position
      from inserted n
      join input i on i.author_id = n.author_id and i.client_id = n.client_id
      cross join lateral unnest(string_to_array(nullif(i.mention_names, ''), ' ')) as nm(name)
      join ${users} mu on mu.username = nm.name and mu.id <> n.author_id
      join ${memberships} mm on mm.room_id = ${room} and mm.user_id = mu.id
      returning message_id, user_id
    )`
        : sql``
    }
    select c.outcome, c.existing_id,
      (select kind from ${rooms} where id = ${room}) as room_kind,
      n.id, n.position::float8 as position,
      floor(extract(epoch from n.created_at) * 1000)::float8 as created_ms,
      u.username, u.display_name,
      r.id as reply_id, r.body as reply_body,
      floor(extract(epoch from r.deleted_at) * 1000)::float8 as reply_deleted_ms,
      ra.id as reply_author_id, ra.username as reply_author_username,
      ra.display_name as reply_author_display_name,
      ${
        threading
          ? sql`th.reply_count::float8 as thread_reply_count,
      floor(extract(epoch from th.last_reply_at) * 1000)::float8 as thread_last_reply_ms,
      to_json(th.participants) as thread_participants,`
          : sql`null::float8 as thread_reply_count, null::float8 as thread_last_reply_ms,
      null::json as thread_participants,`
      }
      ${
        naming
          ? sql`(select string_agg(x.user_id::text, ',') from mentioned x where x.message_id = n.id)`
          : sql`null`
      } as mentions
    from checked c
    left join inserted n on n.author_id = c.author_id and n.client_id = c.client_id
    left join ${users} u on u.id = c.author_id
    left join ${messages} r on r.id = c.reply_to_id and n.id is not null
    left join ${users} ra on ra.id = r.author_id
    ${threading ? sql`left join threaded th on th.root_id = c.thread_id and n.id is not null` : sql``}
    order by c.ord`,
    // Four texts at most (with or without mentions, with or without thread replies).
    { prepared: true },
  );
  if (rows.length !== batch.length) throw new Error('appendMessages: one row per input expected');
  return rows.map((row, ord): AppendResult => {
    const sent = batch[ord];
    if (row.outcome === 'not_member') return { outcome: 'not_member', roomKind: row.room_kind };
    if (row.outcome === 'duplicate')
      return { outcome: 'duplicate', messageId: row.existing_id ?? '' };
    if (row.outcome === 'bad_reply') return { outcome: 'bad_reply' };
    if (row.outcome === 'archived') return { outcome: 'archived' };
    if (row.outcome === 'no_thread') return { outcome: 'bad_thread', reason: 'missing' };
    if (row.outcome === 'nested_thread') return { outcome: 'bad_thread', reason: 'nested' };
    if (row.outcome === 'deleted_thread') return { outcome: 'bad_thread', reason: 'deleted' };
    if (!sent || !row.id || row.position === null || row.created_ms === null) {
      throw new Error('appendMessages: a created message came back incomplete');
    }
    return {
      outcome: 'created',
      message: {
        id: row.id,
        roomId,
        authorId: sent.authorId,
        position: row.position,
        clientId: sent.clientId,
        body: sent.body,
        replyToId: sent.replyToId ?? null,
        threadId: sent.threadId ?? null,
        createdAt: new Date(row.created_ms),
        editedAt: null,
        deletedAt: null,
      },
      author: {
        id: sent.authorId,
        username: row.username ?? '',
        displayName: row.display_name ?? '',
      },
      reply:
        row.reply_id && row.reply_body !== null
          ? {
              id: row.reply_id,
              body: row.reply_body,
              deletedAt: row.reply_deleted_ms === null ? null : new Date(row.reply_deleted_ms),
            }
          : null,
      replyAuthor:
        row.reply_author_id && row.reply_author_username && row.reply_author_display_name
          ? {
              id: row.reply_author_id,
              username: row.reply_author_username,
              displayName: row.reply_author_display_name,
            }
          : null,
      rootThread:
        sent.threadId &&
        row.thread_reply_count !== null &&
        row.thread_last_reply_ms !== null &&
        row.thread_participants
          ? {
              rootId: sent.threadId,
              replyCount: row.thread_reply_count,
              lastReplyAt: new Date(row.thread_last_reply_ms),
              participants: row.thread_participants,
            }
          : null,
      mentions: row.mentions ? row.mentions.split(',') : [],
    };
  });
}
