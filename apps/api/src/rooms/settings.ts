import type { MemberRole, RoomInfo, roomInputs } from '@parley/api-contract/schemas';
import { type Db, memberships, nameKey, queryRows, type Room, rooms } from '@parley/db';
import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { fail, isUniqueViolation, ok, type Result } from '../errors.js';
import type { EventPublisher } from '../events/publisher.js';
import { refuseArchived, requireRoomAdmin } from './access.js';
import { userRef } from './members.js';
import { duplicateMessage } from './service.js';

/** A room's name, topic and archiving, changed by its admins; live for its members. */
export interface RoomSettingsDeps {
  db: Db;
  events: EventPublisher;
}

export function roomInfo(room: Pick<Room, 'id' | 'name' | 'topic' | 'archivedAt'>): RoomInfo {
  return {
    id: room.id,
    name: room.name ?? '',
    topic: room.topic,
    archivedAt: room.archivedAt?.toISOString() ?? null,
  };
}

async function announce(deps: RoomSettingsDeps, room: Room, actorId: string): Promise<RoomInfo> {
  const info = roomInfo(room);
  deps.events.roomUpdated(info, await userRef(deps.db, actorId));
  return info;
}

/** Renames a room and/or sets its topic (room admins; not while archived). */
export async function updateRoom(
  deps: RoomSettingsDeps,
  userId: string,
  input: z.output<typeof roomInputs.update>,
): Promise<Result<RoomInfo>> {
  const access = await requireRoomAdmin(
    deps.db,
    input.roomId,
    userId,
    'rename it or set its topic',
  );
  if (!access.ok) return access;
  const { room } = access.value;
  const archived = refuseArchived(room);
  if (!archived.ok) return archived;
  const changes: Partial<Pick<Room, 'name' | 'nameKey' | 'topic'>> = {};
  if (input.name !== undefined && input.name !== room.name) {
    changes.name = input.name;
    changes.nameKey = nameKey(input.name);
  }
  if (input.topic !== undefined && input.topic !== room.topic) changes.topic = input.topic;
  if (Object.keys(changes).length === 0) return ok(roomInfo(room));
  let updated: Room | undefined;
  try {
    [updated] = await deps.db.update(rooms).set(changes).where(eq(rooms.id, room.id)).returning();
  } catch (error) {
    // Public room names are unique regardless of case and of lookalikes (as in createRoom).
    if (isUniqueViolation(error) && changes.name && changes.nameKey) {
      return fail('CONFLICT', await duplicateMessage(deps.db, changes.name, changes.nameKey));
    }
    throw error;
  }
  if (!updated) throw new Error('room vanished');
  return ok(await announce(deps, updated, userId));
}

/** Archives (read-only) or reopens a room (room admins). Doing it twice changes nothing. */
export async function setArchived(
  deps: RoomSettingsDeps,
  userId: string,
  roomId: string,
  archive: boolean,
): Promise<Result<RoomInfo>> {
  const access = await requireRoomAdmin(
    deps.db,
    roomId,
    userId,
    archive ? 'archive it' : 'unarchive it',
  );
  if (!access.ok) return access;
  const [updated] = await deps.db
    .update(rooms)
    .set({ archivedAt: archive ? new Date() : null })
    .where(
      and(
        eq(rooms.id, roomId),
        archive ? sql`${rooms.archivedAt} is null` : sql`${rooms.archivedAt} is not null`,
      ),
    )
    .returning();
  if (!updated) return ok(roomInfo(access.value.room));
  return ok(await announce(deps, updated, userId));
}

/**
 * Makes a member an admin, or an admin a plain member (room admins). A room keeps at least
 * one admin: its last admin cannot step down. The room row is locked while admins are counted,
 * so two admins stepping down at once cannot leave it with none.
 */
export async function setRole(
  deps: RoomSettingsDeps,
  userId: string,
  input: z.output<typeof roomInputs.setRole>,
): Promise<Result<{ roomId: string; userId: string; role: MemberRole }>> {
  const outcome = await deps.db.transaction(async (tx): Promise<Result<boolean>> => {
    await queryRows(tx, sql`select id from rooms where id = ${input.roomId} for update`);
    const access = await requireRoomAdmin(tx, input.roomId, userId, 'change who is an admin');
    if (!access.ok) return access;
    const [target] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.roomId, input.roomId), eq(memberships.userId, input.userId)));
    if (!target) return fail('NOT_FOUND', 'That person is not a member of this room.');
    if (target.role === input.role) return ok(false);
    if (input.role === 'member') {
      const [admins] = await queryRows<{ count: string | number }>(
        tx,
        sql`select count(*) as count from memberships
          where room_id = ${input.roomId} and role = 'admin'`,
      );
      if (Number(admins?.count ?? 0) <= 1) {
        return fail(
          'BAD_REQUEST',
          'You are this room’s only admin: make someone else an admin before stepping down.',
        );
      }
    }
    await tx
      .update(memberships)
      .set({ role: input.role })
      .where(and(eq(memberships.roomId, input.roomId), eq(memberships.userId, input.userId)));
    return ok(true);
  });
  if (!outcome.ok) return outcome;
  if (outcome.value) deps.events.roleChanged(input.roomId, input.userId, input.role);
  return ok({ roomId: input.roomId, userId: input.userId, role: input.role });
}
