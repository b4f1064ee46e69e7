import type { MessageView, messageInputs } from '@parley/api-contract/schemas';
import { allocatePosition, appendRoomEvent, type Db, messages } from '@parley/db';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { fail, ok, type Result } from '../errors.js';
import type { EventPublisher } from '../events/publisher.js';
import type { PresenceTracker } from '../live/presence.js';
import type { TypingTracker } from '../live/typing.js';
import { refuseArchived, requireMember } from '../rooms/access.js';
import { revealDirect } from '../rooms/service.js';
import { lockedMessage } from './locks.js';
import { type MentionChange, rewriteMentions } from './mentions.js';
import { withReactions } from './reactions.js';
import type { SendQueue } from './send-queue.js';
import { historyPage, messageView, pageAfter, threadReplies } from './views.js';

export interface MessageDeps {
  db: Db;
  events: EventPublisher;
  typing: TypingTracker;
  sends: SendQueue;
  /** For the room summary a DM's first message reveals to the other person. */
  presence: PresenceTracker;
}

const MESSAGE_NOT_FOUND = 'Message not found.';

/**
 * Sends a message, idempotently on (author, clientId): a retry, even a concurrent one, gets
 * the first message back and creates nothing. Written by the room's group commit
 * (send-queue.ts), which checks membership and the reply target in the same statement.
 */
export async function sendMessage(
  deps: MessageDeps,
  authorId: string,
  input: z.output<typeof messageInputs.send>,
): Promise<Result<MessageView>> {
  const result = await deps.sends.send(authorId, input);
  // A room's first message: if it is a direct room, the other person now gets to see it.
  if (result.ok && result.value.position === 1) {
    await revealDirect(deps, input.roomId, authorId);
  }
  return result;
}

async function changeMessage(
  deps: MessageDeps,
  userId: string,
  messageId: string,
  type: 'message.edited' | 'message.deleted',
  body: string,
): Promise<Result<MessageView>> {
  let mentioned: MentionChange = { added: [], removed: [] };
  const outcome = await deps.db.transaction(async (tx): Promise<Result<number | null>> => {
    // Lock order: the room's row, then the message's (lockRoom). What is checked below is
    // read under the room's lock, so an edit queued behind a delete sees the message deleted.
    const message = await lockedMessage(tx, messageId);
    if (!message) return fail('NOT_FOUND', MESSAGE_NOT_FOUND);
    const access = await requireMember(tx, message.roomId, userId);
    if (!access.ok) return fail('NOT_FOUND', MESSAGE_NOT_FOUND);
    const archived = refuseArchived(access.value.room);
    if (!archived.ok) return archived;
    const isAuthor = message.authorId === userId;
    if (type === 'message.edited' && !isAuthor) {
      return fail('FORBIDDEN', 'You can only edit your own messages.');
    }
    if (type === 'message.deleted' && !isAuthor && access.value.role !== 'admin') {
      return fail('FORBIDDEN', 'Only the author or a room admin can delete this message.');
    }
    if (message.deletedAt) {
      return type === 'message.deleted'
        ? ok(null) // already gone: deleting again changes nothing
        : fail('BAD_REQUEST', 'This message was deleted.');
    }
    if (type === 'message.edited' && message.body === body) return ok(null);
    const position = await allocatePosition(tx, message.roomId);
    if (position === null) throw new Error('room vanished');
    const now = new Date();
    await tx
      .update(messages)
      .set(type === 'message.edited' ? { body, editedAt: now } : { body: '', deletedAt: now })
      .where(eq(messages.id, messageId));
    await appendRoomEvent(tx, { roomId: message.roomId, type, messageId, position });
    mentioned = await rewriteMentions(tx, message, body);
    return ok(position);
  });
  if (!outcome.ok) return outcome;
  const found = await messageView(deps.db, eq(messages.id, messageId));
  if (!found) throw new Error('changed message vanished');
  // Reactions as every subscriber sees them (`me` false): the event and the reply agree.
  const [view = found] = await withReactions(deps.db, [found], null);
  if (outcome.value !== null) {
    deps.events.messageEvent({ type, position: outcome.value, message: view });
    for (const [ids, now] of [
      [mentioned.added, true],
      [mentioned.removed, false],
    ] as const) {
      for (const userId of ids) {
        deps.events.mentionChanged(userId, {
          roomId: view.roomId,
          messageId,
          position: view.position,
          mentioned: now,
        });
      }
    }
  }
  return ok(view);
}

export function editMessage(
  deps: MessageDeps,
  userId: string,
  input: z.output<typeof messageInputs.edit>,
) {
  return changeMessage(deps, userId, input.messageId, 'message.edited', input.body);
}

export function deleteMessage(
  deps: MessageDeps,
  userId: string,
  input: z.output<typeof messageInputs.delete>,
) {
  return changeMessage(deps, userId, input.messageId, 'message.deleted', '');
}

export async function messageHistory(
  db: Db,
  userId: string,
  input: z.output<typeof messageInputs.history>,
  maxBytes?: number,
) {
  const access = await requireMember(db, input.roomId, userId);
  if (!access.ok) return access;
  const before = input.before ?? input.cursor ?? undefined;
  if (input.after !== undefined) {
    if (before !== undefined) {
      return fail('BAD_REQUEST', 'Page before a position or after one, not both.');
    }
    return ok(
      await mine(db, userId, await pageAfter(db, input.roomId, input.after, input.limit, maxBytes)),
    );
  }
  return ok(
    await mine(db, userId, await historyPage(db, input.roomId, before, input.limit, maxBytes)),
  );
}

/** A page's messages with their reactions as the caller sees them. */
async function mine<P extends { items: MessageView[] }>(
  db: Db,
  userId: string,
  page: P,
): Promise<P> {
  return { ...page, items: await withReactions(db, page.items, userId) };
}

/**
 * A page centred on one message: up to half the limit before it, the message, the rest after.
 * Newest first like history; `olderCursor` is history's `before`, `newerCursor` its `after`.
 * Outsiders get NOT_FOUND, as for a message that does not exist.
 */
export async function messagesAround(
  db: Db,
  userId: string,
  input: z.output<typeof messageInputs.around>,
  maxBytes?: number,
) {
  const [message] = await db
    .select({ roomId: messages.roomId, position: messages.position })
    .from(messages)
    .where(eq(messages.id, input.messageId));
  if (!message) return fail('NOT_FOUND', MESSAGE_NOT_FOUND);
  const access = await requireMember(db, message.roomId, userId);
  if (!access.ok) return fail('NOT_FOUND', MESSAGE_NOT_FOUND);
  const olderCount = Math.floor((input.limit - 1) / 2);
  const budget = maxBytes === undefined ? undefined : maxBytes / 2;
  // From the message itself (after position - 1) onward, so it is the page's oldest.
  const newer = await pageAfter(
    db,
    message.roomId,
    message.position - 1,
    input.limit - olderCount,
    budget,
  );
  const older =
    olderCount > 0
      ? await historyPage(db, message.roomId, message.position, olderCount, budget)
      : { items: [], nextCursor: message.position };
  return ok({
    messageId: input.messageId,
    roomId: message.roomId,
    items: await withReactions(db, [...newer.items, ...older.items], userId),
    olderCursor: older.nextCursor,
    newerCursor: newer.nextCursor,
  });
}

/**
 * A thread: its root and a page of its replies, oldest first, after `cursor`. A reply's id
 * opens its root's thread. Outsiders get NOT_FOUND, as for a message that does not exist.
 */
export async function messageThread(
  db: Db,
  userId: string,
  input: z.output<typeof messageInputs.thread>,
  maxBytes?: number,
) {
  const [message] = await db
    .select({ id: messages.id, roomId: messages.roomId, threadId: messages.threadId })
    .from(messages)
    .where(eq(messages.id, input.messageId));
  if (!message) return fail('NOT_FOUND', MESSAGE_NOT_FOUND);
  const access = await requireMember(db, message.roomId, userId);
  if (!access.ok) return fail('NOT_FOUND', MESSAGE_NOT_FOUND);
  const rootId = message.threadId ?? message.id;
  const root = await messageView(db, eq(messages.id, rootId));
  if (!root) throw new Error('a thread’s root vanished');
  const page = await threadReplies(db, rootId, input.cursor ?? 0, input.limit, maxBytes);
  const [mineRoot = root, ...items] = await withReactions(db, [root, ...page.items], userId);
  return ok({ root: mineRoot, items, nextCursor: page.nextCursor });
}
