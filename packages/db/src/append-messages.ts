import { sql } from 'drizzle-orm';
import type { DbOrTx } from './client.js';
import { queryRows } from './raw.js';
import {
  type Message,
  memberships,
  messages,
  type RoomKind,
  roomEvents,
  rooms,
  type User,
  users,
} from './schema.js';

export type NewMessage = Pick<Message, 'authorId' | 'clientId' | 'body' | 'replyToId'>;

type Person = Pick<User, 'id' | 'username' | 'displayName'>;

/** What happened to one message of a batch (in the order given). */
export type AppendResult =
  | {
      outcome: 'created';
      message: Message;
      author: Person;
      reply: Pick<Message, 'id' | 'body' | 'deletedAt'> | null;
      replyAuthor: Person | null;
    }
  /** The author is not a member; `roomKind` is null when the room does not exist. */
  | { outcome: 'not_member'; roomKind: RoomKind | null }
  /** The room is archived (read-only). */
  | { outcome: 'archived' }
  /** (author, clientId) is already a message: this one. Nothing was written. */
  | { outcome: 'duplicate'; messageId: string }
  /** `replyToId` is not a message of this room. */
  | { outcome: 'bad_reply' };

interface Row {
  outcome: AppendResult['outcome'];
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
}

/**
 * Writes a batch of new messages to one room in a single statement, so in one round trip and
 * one implicit transaction: it checks each author's membership, that the room is not archived,
 * each `replyToId`, and
 * (author, clientId) against messages already committed; takes one range of positions for
 * the messages that pass (`UPDATE rooms SET last_position = last_position + n`, which holds
 * the room row's lock until the statement commits, so positions stay gap-free and in commit
 * order); inserts them and their `message.created` events; and returns, for every input in
 * order, its outcome with what a message view needs (author, reply excerpt).
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
    })),
  );
  const room = sql`${roomId}::uuid`;
  const rows = await queryRows<Row>(
    db,
    sql`
    with input as (
      select * from json_to_recordset(${input}::json)
        as t(ord int, author_id uuid, client_id text, body text, reply_to_id uuid)
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
          else 'created'
        end as outcome
      from input i
      left join ${memberships} m on m.room_id = ${room} and m.user_id = i.author_id
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
      insert into ${messages} (room_id, author_id, position, client_id, body, reply_to_id)
      select ${room}, a.author_id, t.base + a.k, a.client_id, a.body, a.reply_to_id
      from accepted a cross join taken t
      returning id, author_id, client_id, position, created_at
    ),
    logged as (
      insert into ${roomEvents} (room_id, position, type, message_id)
      select ${room}, position, 'message.created', id from inserted
    )
    select c.outcome, c.existing_id,
      (select kind from ${rooms} where id = ${room}) as room_kind,
      n.id, n.position::float8 as position,
      floor(extract(epoch from n.created_at) * 1000)::float8 as created_ms,
      u.username, u.display_name,
      r.id as reply_id, r.body as reply_body,
      floor(extract(epoch from r.deleted_at) * 1000)::float8 as reply_deleted_ms,
      ra.id as reply_author_id, ra.username as reply_author_username,
      ra.display_name as reply_author_display_name
    from checked c
    left join inserted n on n.author_id = c.author_id and n.client_id = c.client_id
    left join ${users} u on u.id = c.author_id
    left join ${messages} r on r.id = c.reply_to_id and n.id is not null
    left join ${users} ra on ra.id = r.author_id
    order by c.ord`,
  );
  if (rows.length !== batch.length) throw new Error('appendMessages: one row per input expected');
  return rows.map((row, ord): AppendResult => {
    const sent = batch[ord];
    if (row.outcome === 'not_member') return { outcome: 'not_member', roomKind: row.room_kind };
    if (row.outcome === 'duplicate')
      return { outcome: 'duplicate', messageId: row.existing_id ?? '' };
    if (row.outcome === 'bad_reply') return { outcome: 'bad_reply' };
    if (row.outcome === 'archived') return { outcome: 'archived' };
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
    };
  });
}
