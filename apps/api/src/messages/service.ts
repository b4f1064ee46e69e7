import type { MessageView, messageInputs } from '@parley/api-contract/schemas';
import {
  allocatePosition,
  appendRoomEvent,
  type Db,
  messages,
  type RoomEventType,
} from '@parley/db';
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { fail, ok, type Result } from '../errors.js';
import type { EventPublisher } from '../events/publisher.js';
import type { TypingTracker } from '../live/typing.js';
import { requireMember } from '../rooms/access.js';
import { historyPage, messageView } from './views.js';

export interface MessageDeps {
  db: Db;
  events: EventPublisher;
  typing: TypingTracker;
}

const MESSAGE_NOT_FOUND = 'Message not found.';

/** Thrown inside a send transaction to roll back a position taken for a duplicate. */
class DuplicateSend extends Error {}

async function existingSend(
  deps: MessageDeps,
  authorId: string,
  input: z.output<typeof messageInputs.send>,
): Promise<Result<MessageView> | null> {
  const view = await messageView(
    deps.db,
    and(eq(messages.authorId, authorId), eq(messages.clientId, input.clientId)),
  );
  if (!view) return null;
  if (view.roomId !== input.roomId) {
    return fail('CONFLICT', 'This clientId was already used for a message in another room.');
  }
  return ok(view);
}

/**
 * Sends a message, idempotently on (author, clientId): a retry, even a concurrent one, gets
 * the first message back and creates nothing. Retries are rare, so there is no look-up
 * before the write: the unique index detects them, and the transaction (with the position
 * it took) is rolled back.
 */
export async function sendMessage(
  deps: MessageDeps,
  authorId: string,
  input: z.output<typeof messageInputs.send>,
): Promise<Result<MessageView>> {
  const access = await requireMember(deps.db, input.roomId, authorId);
  if (!access.ok) return access;
  if (input.replyToId) {
    const [target] = await deps.db
      .select({ roomId: messages.roomId })
      .from(messages)
      .where(eq(messages.id, input.replyToId));
    if (target?.roomId !== input.roomId) {
      return fail('BAD_REQUEST', 'You can only reply to a message in the same room.');
    }
  }
  let position: number;
  try {
    position = await deps.db.transaction(async (tx) => {
      // Taking the position locks the room row: concurrent sends to a room queue here, so
      // a concurrent duplicate sees the first one's row once it gets the lock.
      const taken = await allocatePosition(tx, input.roomId);
      if (taken === null) throw new Error('room vanished');
      const [row] = await tx
        .insert(messages)
        .values({
          roomId: input.roomId,
          authorId,
          position: taken,
          clientId: input.clientId,
          body: input.body,
          replyToId: input.replyToId ?? null,
        })
        .onConflictDoNothing()
        .returning({ id: messages.id });
      if (!row) throw new DuplicateSend();
      await appendRoomEvent(tx, {
        roomId: input.roomId,
        type: 'message.created',
        messageId: row.id,
        position: taken,
      });
      return taken;
    });
  } catch (error) {
    if (error instanceof DuplicateSend) {
      const again = await existingSend(deps, authorId, input);
      if (again) return again;
    }
    throw error;
  }
  const view = await messageView(
    deps.db,
    and(eq(messages.roomId, input.roomId), eq(messages.position, position)),
  );
  if (!view) throw new Error('sent message vanished');
  deps.typing.stop(input.roomId, view.author);
  deps.events.messageEvent({ type: 'message.created', position, message: view });
  return ok(view);
}

async function changeMessage(
  deps: MessageDeps,
  userId: string,
  messageId: string,
  type: Exclude<RoomEventType, 'message.created'>,
  body: string,
): Promise<Result<MessageView>> {
  const outcome = await deps.db.transaction(async (tx): Promise<Result<number | null>> => {
    const [message] = await tx.select().from(messages).where(eq(messages.id, messageId));
    if (!message) return fail('NOT_FOUND', MESSAGE_NOT_FOUND);
    const access = await requireMember(tx, message.roomId, userId);
    if (!access.ok) return fail('NOT_FOUND', MESSAGE_NOT_FOUND);
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
    return ok(position);
  });
  if (!outcome.ok) return outcome;
  const view = await messageView(deps.db, eq(messages.id, messageId));
  if (!view) throw new Error('changed message vanished');
  if (outcome.value !== null) {
    deps.events.messageEvent({ type, position: outcome.value, message: view });
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
  return ok(await historyPage(db, input.roomId, before, input.limit, maxBytes));
}
