import { mentionedNames } from '@parley/api-contract/limits';
import type { MessageView, messageInputs } from '@parley/api-contract/schemas';
import { type AppendResult, appendMessages, type Db, messages } from '@parley/db';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { busy, fail, isUniqueViolation, ok, type Result } from '../errors.js';
import type { EventPublisher } from '../events/publisher.js';
import type { TypingTracker } from '../live/typing.js';
import { notAMember, ROOM_ARCHIVED } from '../rooms/access.js';
import { messageView, threadSummary, toView } from './views.js';

type SendInput = z.output<typeof messageInputs.send>;

interface Waiting {
  authorId: string;
  input: SendInput;
  settle: Array<{ resolve(result: Result<MessageView>): void; reject(error: unknown): void }>;
}

interface RoomQueue {
  /** Sends not yet written, by (author, clientId): a repeat joins the first one's callers. */
  waiting: Map<string, Waiting>;
  writing: Promise<void> | null;
}

export interface SendQueueDeps {
  db: Db;
  events: EventPublisher;
  typing: TypingTracker;
  config: { roomSendQueue: number; sendBatchMax: number; nodeSendQueue: number };
}

const ROOM_BUSY = 'This room is receiving more messages than Parley can save right now.';
const NODE_BUSY = 'Parley is receiving more messages than it can save right now.';
/** A refused send is told to wait at least this long, and at most the longer one. */
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 10_000;

/** Why a reply in a thread was refused, in words (`threadId` named the thread's root). */
function threadRefused(reason: 'missing' | 'nested' | 'deleted') {
  if (reason === 'missing') {
    return fail('NOT_FOUND', 'Thread not found: threadId must be a message of this room.');
  }
  if (reason === 'nested') {
    return fail(
      'BAD_REQUEST',
      'Threads do not nest: that message is a reply in a thread, reply in its thread instead.',
    );
  }
  return fail('BAD_REQUEST', 'That message was deleted: its thread takes no new replies.');
}

/**
 * Per-room group commit. A send to an idle room is written at once (after the current
 * event-loop turn, so sends that arrived together go together); sends that arrive while a
 * room's write is in flight wait and are written together in the next one: one statement
 * (`appendMessages`) checks them, takes their positions as one range and inserts them. Each
 * caller gets its answer only once its message is committed, and the room's events are
 * published in position order (batches of a room never overlap on this node; across nodes
 * the room row's lock orders them).
 *
 * The waiting line of each room is bounded: past `roomSendQueue` a send is refused with
 * TOO_MANY_REQUESTS, which the client may retry with the same clientId; and so is the node's,
 * all rooms together, past `nodeSendQueue`. The refusal says when to retry
 * (`retryAfterMs`): about when the line ahead of it will have been written, at the pace
 * writes have been going.
 */
export class SendQueue {
  readonly #rooms = new Map<string, RoomQueue>();
  /** Sends waiting in every room of this node (not yet in a statement). */
  #waiting = 0;
  /** Milliseconds of a room's write per message, recently (a moving average over batches). */
  #msPerMessage = 2;

  constructor(private readonly deps: SendQueueDeps) {}

  send(authorId: string, input: SendInput): Promise<Result<MessageView>> {
    let room = this.#rooms.get(input.roomId);
    if (!room) {
      room = { waiting: new Map(), writing: null };
      this.#rooms.set(input.roomId, room);
    }
    const key = `${authorId} ${input.clientId}`;
    const same = room.waiting.get(key);
    if (!same && room.waiting.size >= this.deps.config.roomSendQueue) {
      return Promise.resolve(busy(ROOM_BUSY, this.#retryAfter(room.waiting.size)));
    }
    if (!same && this.#waiting >= this.deps.config.nodeSendQueue) {
      // Rooms write side by side: the node's line clears about as many times faster.
      const wait = this.#retryAfter(this.#waiting / Math.max(1, this.#rooms.size));
      return Promise.resolve(busy(NODE_BUSY, wait));
    }
    return new Promise((resolve, reject) => {
      if (same) same.settle.push({ resolve, reject });
      else {
        room.waiting.set(key, { authorId, input, settle: [{ resolve, reject }] });
        this.#waiting++;
      }
      room.writing ??= this.#write(input.roomId, room);
    });
  }

  /** How long until `ahead` waiting sends of one room are written, at the recent pace. */
  #retryAfter(ahead: number): number {
    const ms = Math.ceil((ahead * this.#msPerMessage) / 50) * 50;
    return Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, ms));
  }

  /** Resolves once every send accepted so far is written and answered. */
  async drain(): Promise<void> {
    while (this.#rooms.size > 0) {
      await Promise.all([...this.#rooms.values()].map((room) => room.writing));
    }
  }

  async #write(roomId: string, room: RoomQueue): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (room.waiting.size > 0) {
      const batch: Waiting[] = [];
      for (const [key, waiting] of room.waiting) {
        if (batch.length === this.deps.config.sendBatchMax) break;
        batch.push(waiting);
        room.waiting.delete(key);
        this.#waiting--;
      }
      const written = batch.length > 1 ? await this.#append(roomId, batch).catch(() => null) : null;
      if (written) {
        this.#answer(roomId, batch, written);
        continue;
      }
      // A lone send, or a batch the database refused (nothing of it was written: one send's
      // bad data must not fail the others), is written one by one.
      for (const one of batch) {
        const alone = await this.#append(roomId, [one]).catch((error: unknown) => {
          for (const caller of one.settle) caller.reject(error);
          return null;
        });
        if (alone) this.#answer(roomId, [one], alone);
      }
    }
    room.writing = null;
    this.#rooms.delete(roomId);
  }

  /**
   * Writes a batch, retrying once if a concurrent duplicate failed it; throws only when
   * nothing was written.
   */
  async #append(roomId: string, batch: Waiting[]): Promise<AppendResult[]> {
    const rows = batch.map(({ authorId, input }) => ({
      authorId,
      clientId: input.clientId,
      body: input.body,
      replyToId: input.replyToId ?? null,
      threadId: input.threadId ?? null,
      mentionNames: mentionedNames(input.body),
    }));
    const started = performance.now();
    try {
      const written = await appendMessages(this.deps.db, roomId, rows);
      this.#msPerMessage =
        0.8 * this.#msPerMessage + (0.2 * (performance.now() - started)) / rows.length;
      return written;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return appendMessages(this.deps.db, roomId, rows);
    }
  }

  /** Publishes a written batch's messages in position order and answers its callers. */
  #answer(roomId: string, batch: Waiting[], results: AppendResult[]): void {
    results.forEach((result, i) => {
      const callers = batch[i]?.settle ?? [];
      const answer = (value: Result<MessageView>) => {
        for (const caller of callers) caller.resolve(value);
      };
      if (result.outcome === 'created') {
        const view = toView(result);
        this.deps.typing.stop(roomId, view.author);
        this.deps.events.messageEvent({
          type: 'message.created',
          position: view.position,
          message: view,
          ...(result.rootThread && { rootThread: threadSummary(result.rootThread) }),
        });
        answer(ok(view));
      } else if (result.outcome === 'not_member') {
        answer(notAMember(result.roomKind));
      } else if (result.outcome === 'archived') {
        answer(fail('FORBIDDEN', ROOM_ARCHIVED));
      } else if (result.outcome === 'bad_reply') {
        answer(fail('BAD_REQUEST', 'You can only reply to a message in the same room.'));
      } else if (result.outcome === 'bad_thread') {
        answer(threadRefused(result.reason));
      } else {
        this.#existing(result.messageId, roomId).then(answer, (error: unknown) => {
          for (const caller of callers) caller.reject(error);
        });
      }
    });
  }

  /** A retry of a message already written: the first one, if it is in this room. */
  async #existing(messageId: string, roomId: string): Promise<Result<MessageView>> {
    const view = await messageView(this.deps.db, eq(messages.id, messageId));
    if (!view) throw new Error('a duplicate send’s message vanished');
    if (view.roomId !== roomId) {
      return fail('CONFLICT', 'This clientId was already used for a message in another room.');
    }
    return ok(view);
  }
}
