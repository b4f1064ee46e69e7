import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allocatePosition,
  appendMessages,
  appendRoomEvent,
  type DbHandle,
  memberships,
  messages,
  roomEvents,
  rooms,
  users,
} from '../src/index.js';
import { createTestDb } from '../src/testing.js';

const WRITERS = 20;
const PER_WRITER = 50;

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle?.close());

describe('per-room positions', () => {
  it('are gap-free and never skipped by a reader polling "after my last position"', async () => {
    const { db } = handle;
    const [author] = await db
      .insert(users)
      .values({ username: 'writer', displayName: 'Writer' })
      .returning();
    const [room] = await db.insert(rooms).values({ kind: 'public', name: 'race' }).returning();
    if (!author || !room) throw new Error('setup failed');

    const seen: number[] = [];
    let writing = true;
    const reader = (async () => {
      let last = 0;
      const poll = async () => {
        const rows = await db
          .select({ position: roomEvents.position })
          .from(roomEvents)
          .where(and(eq(roomEvents.roomId, room.id), gt(roomEvents.position, last)))
          .orderBy(asc(roomEvents.position));
        for (const r of rows) {
          seen.push(r.position);
          last = r.position;
        }
      };
      while (writing) {
        await poll();
        // Yield to timers: PGlite can answer in microtasks alone and starve the writers.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await poll();
    })();

    const writer = async () => {
      for (let i = 0; i < PER_WRITER; i++) {
        await db.transaction(async (tx) => {
          const messageId = randomUUID();
          const position = await allocatePosition(tx, room.id);
          if (position === null) throw new Error('room vanished');
          // Hold the transaction open between taking a position and committing, as a real
          // send does while it writes the message and the event.
          await tx.execute(sql`select pg_sleep(${Math.random() * 0.003})`);
          await tx.insert(messages).values({
            id: messageId,
            roomId: room.id,
            authorId: author.id,
            position,
            clientId: randomUUID(),
            body: `message ${position}`,
          });
          await appendRoomEvent(tx, {
            roomId: room.id,
            type: 'message.created',
            messageId,
            position,
          });
        });
        if (Math.random() < 0.2) await sleep(1);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    writing = false;
    await reader;

    const total = WRITERS * PER_WRITER;
    const stored = await db
      .select({ position: messages.position })
      .from(messages)
      .where(eq(messages.roomId, room.id))
      .orderBy(asc(messages.position));
    // No gaps: the positions are exactly 1..N.
    expect(stored.map((r) => r.position)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // The reader saw every one, once, in order.
    expect(seen).toHaveLength(total);
    expect(seen).toEqual(stored.map((r) => r.position));
  });
});

describe('appendMessages (a group of messages in one statement)', () => {
  it('shares the room counter with single-event writers: gap-free, never skipped by a reader', async () => {
    const { db } = handle;
    const [author] = await db
      .insert(users)
      .values({ username: 'batcher', displayName: 'Batcher' })
      .returning();
    const [room] = await db.insert(rooms).values({ kind: 'public', name: 'batches' }).returning();
    if (!author || !room) throw new Error('setup failed');
    await db.insert(memberships).values({ roomId: room.id, userId: author.id });

    const seen: number[] = [];
    let writing = true;
    const reader = (async () => {
      let last = 0;
      const poll = async () => {
        const rows = await db
          .select({ position: roomEvents.position })
          .from(roomEvents)
          .where(and(eq(roomEvents.roomId, room.id), gt(roomEvents.position, last)))
          .orderBy(asc(roomEvents.position));
        for (const r of rows) {
          seen.push(r.position);
          last = r.position;
        }
      };
      while (writing) {
        await poll();
        await new Promise((resolve) => setImmediate(resolve));
      }
      await poll();
    })();

    let appended = 0;
    const batcher = async () => {
      for (let i = 0; i < 20; i++) {
        const size = 1 + Math.floor(Math.random() * 5);
        const results = await appendMessages(
          db,
          room.id,
          Array.from({ length: size }, () => ({
            authorId: author.id,
            clientId: randomUUID(),
            body: 'batched',
            replyToId: null,
          })),
        );
        expect(results.map((r) => r.outcome)).toEqual(Array(size).fill('created'));
        appended += size;
      }
    };
    // Writers that take one position at a time in a longer transaction (as edits do).
    const single = async () => {
      for (let i = 0; i < 20; i++) {
        await db.transaction(async (tx) => {
          const messageId = randomUUID();
          const position = await allocatePosition(tx, room.id);
          if (position === null) throw new Error('room vanished');
          await tx.execute(sql`select pg_sleep(${Math.random() * 0.002})`);
          await tx.insert(messages).values({
            id: messageId,
            roomId: room.id,
            authorId: author.id,
            position,
            clientId: randomUUID(),
            body: `single ${position}`,
          });
          await appendRoomEvent(tx, {
            roomId: room.id,
            type: 'message.created',
            messageId,
            position,
          });
        });
      }
    };
    await Promise.all([
      ...Array.from({ length: 5 }, batcher),
      ...Array.from({ length: 5 }, single),
    ]);
    writing = false;
    await reader;

    const total = appended + 5 * 20;
    const stored = await db
      .select({ position: messages.position })
      .from(messages)
      .where(eq(messages.roomId, room.id))
      .orderBy(asc(messages.position));
    expect(stored.map((r) => r.position)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(seen).toEqual(stored.map((r) => r.position));
  });
});
