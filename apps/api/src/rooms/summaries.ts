import { LIMITS } from '@parley/api-contract/limits';
import type { MessagePreview, RoomSummary } from '@parley/api-contract/schemas';
import { type Db, queryRows, type RoomKind } from '@parley/db';
import { sql } from 'drizzle-orm';

interface SummaryRow {
  id: string;
  kind: RoomKind;
  name: string | null;
  role: RoomSummary['role'];
  topic: string;
  archived_at: string | null;
  last_position: string | number;
  last_read_position: string | number;
  unread: string | number;
  mention_count: string | number;
  notify: RoomSummary['notifications'];
  member_count: string | number;
  peer: { id: string; username: string; displayName: string } | null;
  last_message: MessagePreview | null;
}

/**
 * The caller's rooms with unread counts (messages, and mentions of the caller), last message and (for DMs) the other person, in one
 * query. Unread counts use the (room_id, position) index: a range scan past the read mark.
 * Thread replies are neither unread nor the last message: the room's list does not show them.
 */
export async function roomSummaries(
  db: Db,
  userId: string,
  onlineAmong: (userIds: string[]) => Promise<Set<string>>,
  onlyRoomId?: string,
): Promise<RoomSummary[]> {
  const rows = await queryRows<SummaryRow>(
    db,
    sql`
    select r.id, r.kind, r.name, m.role, m.notify, r.topic,
      to_char(r.archived_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as archived_at,
      r.last_position, m.last_read_position,
      (select count(*) from messages x
        where x.room_id = r.id and x.position > m.last_read_position
          and x.author_id <> ${userId} and x.deleted_at is null
          and x.thread_id is null) as unread,
      -- A range scan of mentions_user_room_position_idx (a mention is never of its author,
      -- and a deleted message has none).
      (select count(*) from mentions mn
        where mn.user_id = ${userId} and mn.room_id = r.id
          and mn.position > m.last_read_position) as mention_count,
      (select count(*) from memberships mm where mm.room_id = r.id) as member_count,
      case when r.kind = 'direct' then (
        select json_build_object('id', u.id, 'username', u.username, 'displayName', u.display_name)
        from memberships pm join users u on u.id = pm.user_id
        where pm.room_id = r.id and pm.user_id <> ${userId} limit 1) end as peer,
      last.json as last_message
    from memberships m join rooms r on r.id = m.room_id
    left join lateral (
      select lm.created_at, json_build_object(
          'author', json_build_object('id', a.id, 'username', a.username, 'displayName', a.display_name),
          'body', left(lm.body, ${LIMITS.lastMessageExcerpt}),
          'createdAt', to_char(lm.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'position', lm.position) as json
        from messages lm join users a on a.id = lm.author_id
        where lm.room_id = r.id and lm.deleted_at is null and lm.thread_id is null
        order by lm.position desc limit 1) last on true
    where m.user_id = ${userId} ${onlyRoomId ? sql`and r.id = ${onlyRoomId}` : sql``}
      -- An empty DM shows to the one who opened it, and to the other once they open it too
      -- (rooms.openDirect moves their joined_at) or its first message arrives.
      and (r.kind <> 'direct' or r.last_position > 0 or r.created_by = ${userId}
        or m.joined_at > r.created_at)
    -- Most recently active first; rooms without messages after, newest first.
    order by last.created_at desc nulls last, r.created_at desc
    limit ${LIMITS.roomListMax}`,
  );
  const online = await onlineAmong(rows.flatMap((r) => (r.peer ? [r.peer.id] : [])));
  return rows.map(
    (r): RoomSummary => ({
      id: r.id,
      kind: r.kind,
      name: r.kind === 'direct' ? (r.peer?.displayName ?? 'Direct message') : (r.name ?? ''),
      role: r.role,
      topic: r.topic,
      archivedAt: r.archived_at,
      lastPosition: Number(r.last_position),
      lastReadPosition: Number(r.last_read_position),
      unread: Number(r.unread),
      mentionCount: Number(r.mention_count),
      notifications: r.notify,
      memberCount: Number(r.member_count),
      peer: r.peer ? { ...r.peer, online: online.has(r.peer.id) } : null,
      lastMessage: r.last_message,
    }),
  );
}
