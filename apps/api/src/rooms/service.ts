import { LIMITS } from '@parley/api-contract/limits';
import type { NotifyLevel, RoomSummary, roomInputs } from '@parley/api-contract/schemas';
import { type Db, memberships, nameKey, queryRows, rooms, users } from '@parley/db';
import { and, eq, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { fail, ok, type Result } from '../errors.js';
import type { EventPublisher } from '../events/publisher.js';
import type { PresenceTracker } from '../live/presence.js';
import { ROOM_NOT_FOUND, refuseArchived, requireMember } from './access.js';
import { userRef } from './members.js';
import type { ReadMarks } from './read-marks.js';
import { roomSummaries } from './summaries.js';

export interface RoomDeps {
  db: Db;
  events: EventPublisher;
  presence: PresenceTracker;
}

const onlineAmong = (deps: RoomDeps) => (ids: string[]) => deps.presence.onlineAmong(ids);

async function summaryFor(deps: RoomDeps, userId: string, roomId: string): Promise<RoomSummary> {
  const [summary] = await roomSummaries(deps.db, userId, onlineAmong(deps), roomId);
  if (!summary) throw new Error(`no summary of room ${roomId} for ${userId}`);
  return summary;
}

async function announceAdded(deps: RoomDeps, userId: string, roomId: string) {
  deps.events.roomAdded(userId, await summaryFor(deps, userId, roomId));
}

/** `userId` is now a member: the room's open views show them (and whether they are online). */
async function announceJoined(deps: RoomDeps, roomId: string, userId: string) {
  const [user] = await deps.db
    .select({ id: users.id, username: users.username, displayName: users.displayName })
    .from(users)
    .where(eq(users.id, userId));
  if (user) deps.events.memberJoined(roomId, user, await deps.presence.isOnline(userId));
}

async function findUser(db: Db, username: string): Promise<Result<{ id: string }>> {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
  return user ? ok(user) : fail('NOT_FOUND', `There is no one called “${username}”.`);
}

export function listRooms(deps: RoomDeps, userId: string): Promise<RoomSummary[]> {
  return roomSummaries(deps.db, userId, onlineAmong(deps));
}

export async function createRoom(
  deps: RoomDeps,
  userId: string,
  input: z.output<typeof roomInputs.create>,
): Promise<Result<RoomSummary>> {
  // Public rooms are unique on lower(name) and on nameKey (TR39 skeleton): neither a case
  // variant nor a lookalike (“Gеneral” with a Cyrillic е, a zero-width space) of another.
  const key = nameKey(input.name);
  const room = await deps.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(rooms)
      .values({ kind: input.visibility, name: input.name, nameKey: key, createdBy: userId })
      .onConflictDoNothing()
      .returning();
    if (!created) return null;
    await tx.insert(memberships).values({ roomId: created.id, userId, role: 'admin' });
    return created;
  });
  if (!room) return fail('CONFLICT', await duplicateMessage(deps.db, input.name, key));
  await announceAdded(deps, userId, room.id);
  return ok(await summaryFor(deps, userId, room.id));
}

/** Names the public room the new one would be confused with (anyone can see public rooms). */
export async function duplicateMessage(db: Db, name: string, key: string): Promise<string> {
  const [other] = await db
    .select({ name: rooms.name })
    .from(rooms)
    .where(
      and(
        eq(rooms.kind, 'public'),
        or(eq(rooms.nameKey, key), sql`lower(${rooms.name}) = lower(${name})`),
      ),
    )
    .limit(1);
  if (!other?.name || other.name === name) {
    return `A public room named “${name}” already exists.`;
  }
  return `“${name}” looks too much like the public room “${other.name}”: choose another name, or join that room.`;
}

export interface BrowseItem {
  id: string;
  name: string;
  memberCount: number;
  joined: boolean;
}

export async function browseRooms(
  db: Db,
  userId: string,
  search: string | undefined,
): Promise<BrowseItem[]> {
  const pattern = search ? `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await queryRows<{
    id: string;
    name: string;
    member_count: string | number;
    joined: boolean;
  }>(
    db,
    sql`select r.id, r.name,
        (select count(*) from memberships mm where mm.room_id = r.id) as member_count,
        exists(select 1 from memberships me where me.room_id = r.id and me.user_id = ${userId}) as joined
      from rooms r
      where r.kind = 'public' ${pattern ? sql`and r.name ilike ${pattern}` : sql``}
      order by member_count desc, r.name asc
      limit ${LIMITS.browseMax}`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    memberCount: Number(r.member_count),
    joined: r.joined,
  }));
}

export async function joinRoom(
  deps: RoomDeps,
  userId: string,
  roomId: string,
): Promise<Result<RoomSummary>> {
  const [room] = await deps.db.select().from(rooms).where(eq(rooms.id, roomId));
  if (!room) return fail('NOT_FOUND', ROOM_NOT_FOUND);
  if (room.kind !== 'public') {
    // A private room you are in is fine to "join" again; otherwise it does not exist for you.
    const access = await requireMember(deps.db, roomId, userId);
    if (!access.ok) return access;
    return ok(await summaryFor(deps, userId, roomId));
  }
  const archived = refuseArchived(room);
  if (!archived.ok) return archived;
  const [added] = await deps.db
    .insert(memberships)
    .values({ roomId, userId, role: 'member', lastReadPosition: room.lastPosition })
    .onConflictDoNothing()
    .returning();
  if (added) {
    await announceAdded(deps, userId, roomId);
    await announceJoined(deps, roomId, userId);
  }
  return ok(await summaryFor(deps, userId, roomId));
}

export async function leaveRoom(
  deps: RoomDeps,
  userId: string,
  roomId: string,
): Promise<Result<{ roomId: string }>> {
  const access = await requireMember(deps.db, roomId, userId);
  if (!access.ok) return access;
  if (access.value.room.kind === 'direct') {
    return fail('BAD_REQUEST', 'You cannot leave a direct conversation.');
  }
  await deps.db
    .delete(memberships)
    .where(and(eq(memberships.roomId, roomId), eq(memberships.userId, userId)));
  deps.events.roomRemoved(userId, roomId);
  deps.events.memberLeft(roomId, userId);
  return ok({ roomId });
}

export async function inviteToRoom(
  deps: RoomDeps,
  userId: string,
  input: z.output<typeof roomInputs.invite>,
): Promise<Result<{ roomId: string; userId: string }>> {
  const access = await requireMember(deps.db, input.roomId, userId);
  if (!access.ok) return access;
  const { room, role } = access.value;
  if (room.kind === 'direct') return fail('BAD_REQUEST', 'A direct conversation has two people.');
  const archived = refuseArchived(room);
  if (!archived.ok) return archived;
  if (room.kind === 'private' && role !== 'admin') {
    return fail('FORBIDDEN', 'Only the room’s admins can invite people to a private room.');
  }
  const invitee = await findUser(deps.db, input.username);
  if (!invitee.ok) return invitee;
  const [added] = await deps.db
    .insert(memberships)
    .values({ roomId: room.id, userId: invitee.value.id, role: 'member' })
    .onConflictDoNothing()
    .returning();
  if (added) {
    await announceAdded(deps, invitee.value.id, room.id);
    await announceJoined(deps, room.id, invitee.value.id);
  }
  return ok({ roomId: room.id, userId: invitee.value.id });
}

/** An admin removes someone from a room; their open subscriptions to it end. */
export async function kickFromRoom(
  deps: RoomDeps,
  userId: string,
  input: z.output<typeof roomInputs.kick>,
): Promise<Result<{ roomId: string; userId: string }>> {
  const access = await requireMember(deps.db, input.roomId, userId);
  if (!access.ok) return access;
  const { room, role } = access.value;
  if (room.kind === 'direct') {
    return fail('BAD_REQUEST', 'No one can be removed from a direct conversation.');
  }
  if (role !== 'admin') return fail('FORBIDDEN', 'Only the room’s admins can remove people.');
  const found = await findUser(deps.db, input.username);
  if (!found.ok) return found;
  const target = found.value;
  if (target.id === userId) return fail('BAD_REQUEST', 'To remove yourself, leave the room.');
  const [removed] = await deps.db
    .delete(memberships)
    .where(and(eq(memberships.roomId, room.id), eq(memberships.userId, target.id)))
    .returning({ userId: memberships.userId });
  if (!removed) return fail('NOT_FOUND', `${input.username} is not in this room.`);
  // The removed person is told who removed them, and from which room (they no longer see it).
  deps.events.roomRemoved(target.id, room.id, {
    by: await userRef(deps.db, userId),
    roomName: room.name ?? '',
  });
  deps.events.memberLeft(room.id, target.id);
  return ok({ roomId: room.id, userId: target.id });
}

export async function openDirect(
  deps: RoomDeps,
  userId: string,
  username: string,
): Promise<Result<RoomSummary>> {
  const found = await findUser(deps.db, username);
  if (!found.ok) return found;
  const peer = found.value;
  if (peer.id === userId)
    return fail('BAD_REQUEST', 'You cannot open a conversation with yourself.');
  const directKey = [userId, peer.id].sort().join(':');
  const created = await deps.db.transaction(async (tx) => {
    const [room] = await tx
      .insert(rooms)
      .values({ kind: 'direct', directKey, createdBy: userId })
      .onConflictDoNothing()
      .returning();
    if (!room) return null;
    await tx.insert(memberships).values([
      { roomId: room.id, userId, role: 'member' },
      { roomId: room.id, userId: peer.id, role: 'member' },
    ]);
    return room;
  });
  if (created) {
    // The other person hears of it with its first message (revealDirect): an empty DM is
    // only the opener's.
    await announceAdded(deps, userId, created.id);
    return ok(await summaryFor(deps, userId, created.id));
  }
  const [existing] = await deps.db
    .select({ id: rooms.id })
    .from(rooms)
    .where(eq(rooms.directKey, directKey));
  if (!existing) throw new Error('direct room vanished');
  // An empty DM someone else opened with me, which I now open myself: mine to see from now on
  // (summaries.ts lists an empty DM to whoever joined it after it was created).
  const [shown] = await queryRows<{ user_id: string }>(
    deps.db,
    sql`update memberships m set joined_at = now()
      from rooms r
      where r.id = m.room_id and m.room_id = ${existing.id} and m.user_id = ${userId}
        and r.last_position = 0 and r.created_by is distinct from m.user_id
        and m.joined_at <= r.created_at
      returning m.user_id`,
  );
  if (shown) await announceAdded(deps, userId, existing.id);
  return ok(await summaryFor(deps, userId, existing.id));
}

/**
 * A room's first message was sent by `authorId`: if it is a direct room that the other person
 * was not shown, it is theirs to see from now on (their joined_at moves, so a retried send
 * announces nothing twice) and they get `room.added`, with the message in its summary.
 */
export async function revealDirect(deps: RoomDeps, roomId: string, authorId: string) {
  const revealed = await queryRows<{ user_id: string }>(
    deps.db,
    sql`update memberships m set joined_at = now()
      from rooms r
      where r.id = m.room_id and m.room_id = ${roomId} and r.kind = 'direct'
        and m.user_id <> ${authorId}
        and r.created_by is distinct from m.user_id and m.joined_at <= r.created_at
      returning m.user_id`,
  );
  for (const { user_id } of revealed) await announceAdded(deps, user_id, roomId);
}

export async function roomMembers(deps: RoomDeps, userId: string, roomId: string) {
  const access = await requireMember(deps.db, roomId, userId);
  if (!access.ok) return access;
  const rows = await deps.db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.roomId, roomId))
    .orderBy(users.username)
    .limit(LIMITS.memberListMax);
  const online = await deps.presence.onlineAmong(rows.map((m) => m.id));
  return ok(rows.map((m) => ({ ...m, online: online.has(m.id) })));
}

export async function markRead(
  deps: { db: Db; readMarks: ReadMarks },
  userId: string,
  input: z.output<typeof roomInputs.markRead>,
): Promise<Result<{ roomId: string; lastReadPosition: number }>> {
  // A viewer marking each new message: its membership was checked already (see ReadMarks).
  const known = deps.readMarks.markChecked(userId, input.roomId, input.position);
  if (known !== null) return ok({ roomId: input.roomId, lastReadPosition: known });
  const checkpoint = deps.readMarks.checkpoint();
  const access = await requireMember(deps.db, input.roomId, userId);
  if (!access.ok) return access;
  // Never moves backwards, and never past what exists; coalesced (see ReadMarks).
  const lastReadPosition = await deps.readMarks.mark(userId, input.roomId, input.position, {
    checkpoint,
    roomLast: access.value.room.lastPosition,
  });
  return ok({ roomId: input.roomId, lastReadPosition });
}

/**
 * Sets the caller's desktop notifications for a room (any member, any room kind; archived
 * rooms too: it is the member's own setting). Their other devices hear it on their stream.
 */
export async function setNotifications(
  deps: RoomDeps,
  userId: string,
  input: z.output<typeof roomInputs.setNotifications>,
): Promise<Result<{ roomId: string; level: NotifyLevel }>> {
  const access = await requireMember(deps.db, input.roomId, userId);
  if (!access.ok) return access;
  await deps.db
    .update(memberships)
    .set({ notify: input.level })
    .where(and(eq(memberships.roomId, input.roomId), eq(memberships.userId, userId)));
  deps.events.notificationsChanged(userId, input.roomId, input.level);
  return ok({ roomId: input.roomId, level: input.level });
}
