import { LIMITS } from '@parley/api-contract/limits';
import type { MessageView, messageInputs } from '@parley/api-contract/schemas';
import {
  allocatePosition,
  appendRoomEvent,
  type Db,
  type DbOrTx,
  messages,
  reactions,
  users,
} from '@parley/db';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { fail, ok, type Result } from '../errors.js';
import type { EventPublisher } from '../events/publisher.js';
import { refuseArchived, requireMember } from '../rooms/access.js';
import { lockedMessage } from './locks.js';
import { messageView } from './views.js';

type Reaction = MessageView['reactions'][number];

/**
 * The reactions of these messages, most used first (then first used). `viewerId` sets `me`;
 * null for views that go to every subscriber of a room (events), where `me` stays false.
 */
async function reactionsOf(
  db: DbOrTx,
  messageIds: string[],
  viewerId: string | null,
): Promise<Map<string, Reaction[]>> {
  const byMessage = new Map<string, Reaction[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await db
    .select({
      messageId: reactions.messageId,
      emoji: reactions.emoji,
      user: { id: users.id, username: users.username, displayName: users.displayName },
    })
    .from(reactions)
    .innerJoin(users, eq(users.id, reactions.userId))
    .where(inArray(reactions.messageId, messageIds))
    .orderBy(asc(reactions.createdAt), asc(reactions.userId));
  const first = new Map<string, number>();
  for (const [i, row] of rows.entries()) {
    const list = byMessage.get(row.messageId) ?? [];
    byMessage.set(row.messageId, list);
    let entry = list.find((r) => r.emoji === row.emoji);
    if (!entry) {
      entry = { emoji: row.emoji, count: 0, me: false, users: [] };
      list.push(entry);
      first.set(`${row.messageId} ${row.emoji}`, i);
    }
    entry.count++;
    if (row.user.id === viewerId) entry.me = true;
    if (entry.users.length < LIMITS.reactionUsersShown) entry.users.push(row.user);
  }
  for (const [id, list] of byMessage) {
    list.sort(
      (a, b) =>
        b.count - a.count ||
        (first.get(`${id} ${a.emoji}`) ?? 0) - (first.get(`${id} ${b.emoji}`) ?? 0),
    );
  }
  return byMessage;
}

/** The views with their reactions filled in (one query for all of them). */
export async function withReactions<T extends MessageView>(
  db: DbOrTx,
  views: T[],
  viewerId: string | null,
): Promise<T[]> {
  const byMessage = await reactionsOf(
    db,
    views.filter((v) => !v.deletedAt).map((v) => v.id),
    viewerId,
  );
  return views.map((v) => ({ ...v, reactions: byMessage.get(v.id) ?? [] }));
}

export interface ReactionDeps {
  db: Db;
  events: EventPublisher;
}

const MESSAGE_NOT_FOUND = 'Message not found.';

/**
 * Adds or removes the caller's `emoji` on a message, idempotently: the (message, emoji, user)
 * key makes reacting twice one reaction, and only a change takes a position and an event.
 * The room's row is locked first, so concurrent calls on one message (the same one five
 * times, or different emoji against the per-message cap) run one after another.
 */
export async function changeReaction(
  deps: ReactionDeps,
  userId: string,
  input: z.output<typeof messageInputs.react>,
  add: boolean,
): Promise<Result<MessageView>> {
  const { messageId, emoji } = input;
  const outcome = await deps.db.transaction(async (tx): Promise<Result<number | null>> => {
    // The room's row, then the message's (the lock order of every write on a message: taking
    // the message first deadlocked with an edit, which holds the room and waits for the
    // message). With the room held, reactions to one message run one after another.
    const message = await lockedMessage(tx, messageId);
    if (!message) return fail('NOT_FOUND', MESSAGE_NOT_FOUND);
    const access = await requireMember(tx, message.roomId, userId);
    if (!access.ok) return fail('NOT_FOUND', MESSAGE_NOT_FOUND);
    const archived = refuseArchived(access.value.room);
    if (!archived.ok) return archived;
    if (message.deletedAt) return fail('BAD_REQUEST', 'This message was deleted.');
    const key = and(
      eq(reactions.messageId, messageId),
      eq(reactions.emoji, emoji),
      eq(reactions.userId, userId),
    );
    if (add) {
      const [{ kinds, mine } = { kinds: 0, mine: false }] = await tx
        .select({
          kinds: sql<number>`count(distinct ${reactions.emoji})::int`,
          mine: sql<boolean>`bool_or(${reactions.emoji} = ${emoji})`,
        })
        .from(reactions)
        .where(eq(reactions.messageId, messageId));
      if (!mine && kinds >= LIMITS.reactionsPerMessage) {
        return fail(
          'BAD_REQUEST',
          `A message can have at most ${LIMITS.reactionsPerMessage} different emoji: react with one already there.`,
        );
      }
      const inserted = await tx
        .insert(reactions)
        .values({ messageId, userId, emoji })
        .onConflictDoNothing()
        .returning({ emoji: reactions.emoji });
      if (inserted.length === 0) return ok(null);
    } else {
      const removed = await tx.delete(reactions).where(key).returning({ emoji: reactions.emoji });
      if (removed.length === 0) return ok(null);
    }
    const position = await allocatePosition(tx, message.roomId);
    if (position === null) throw new Error('room vanished');
    await appendRoomEvent(tx, {
      roomId: message.roomId,
      type: add ? 'reaction.added' : 'reaction.removed',
      messageId,
      position,
      actorId: userId,
      emoji,
    });
    return ok(position);
  });
  if (!outcome.ok) return outcome;
  const view = await messageView(deps.db, eq(messages.id, messageId));
  if (!view) throw new Error('reacted message vanished');
  if (outcome.value !== null) {
    const [shared] = await withReactions(deps.db, [view], null);
    if (shared) {
      deps.events.messageEvent({
        type: add ? 'reaction.added' : 'reaction.removed',
        position: outcome.value,
        message: shared,
        reaction: { emoji, userId },
      });
    }
  }
  const [mine] = await withReactions(deps.db, [view], userId);
  return ok(mine ?? view);
}
