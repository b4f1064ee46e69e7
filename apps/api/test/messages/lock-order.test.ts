/**
 * Every write on a message takes its locks in one order, the room row first, then the message
 * row (docs/design.md, "Lock order"), so edits, deletes, reactions and thread replies on one
 * message never deadlock: PostgreSQL would abort one of the two, and the caller would get an
 * error for a change it was entitled to make.
 *
 * PostgreSQL only: PGlite runs one transaction at a time, so it cannot deadlock. The first
 * tests line the calls up deterministically: a transaction of the test holds the room row's
 * lock, the calls are started one at a time and each is seen waiting on a lock
 * (pg_stat_activity) before the next starts, then the room is let go; PostgreSQL grants a row
 * lock to its waiters in turn, so the first started gets the room first.
 */
import { queryRows, rooms } from '@parley/db';
import { TRPCClientError } from '@trpc/client';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientId,
  type Person,
  shareRoom,
  signUp,
  startServer,
  type TestServer,
} from '../support/harness.js';

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
if (!onPostgres) console.warn('[apps/api] skipping lock-order tests: no TEST_DATABASE_URL');

let server: TestServer;
let ana: Person;
let ben: Person;

beforeAll(async () => {
  if (!onPostgres) return;
  const generous = { points: 10_000, seconds: 60 };
  server = await startServer({
    limits: { rates: { reactions: generous, edits: generous, rooms: generous } },
  });
  ana = await signUp(server.app.url, 'ana');
  ben = await signUp(server.app.url, 'ben');
});
afterAll(async () => {
  for (const p of [ana, ben]) p?.close();
  await server?.close();
});

/** 'ok', or the tRPC error code and message a call failed with. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    if (err instanceof TRPCClientError) return `${err.data?.code}: ${err.message}`;
    throw err;
  }
}

async function freshMessage(name: string) {
  const room = await shareRoom(ana, ben, name);
  const message = await ana.client.messages.send.mutate({
    roomId: room.id,
    body: 'the message',
    clientId: clientId(),
  });
  return { roomId: room.id, messageId: message.id };
}

/** Backends of this test's database waiting for a lock. */
async function waitingForLocks(): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    server.db.db,
    sql`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`,
  );
  return Number(row?.n ?? 0);
}

async function until(what: string, predicate: () => Promise<boolean>) {
  const deadline = Date.now() + 15_000;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Holds `roomId`'s row lock while `calls` start one by one, each only once the one before it
 * waits on a lock; then lets the room go and returns how each call ended.
 */
async function queuedBehindRoom(roomId: string, calls: Array<() => Promise<unknown>>) {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked = () => {};
  const holding = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const holder = server.db.db.transaction(async (tx) => {
    await tx.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, roomId)).for('no key update');
    locked();
    await released;
  });
  await holding;
  const started: Array<Promise<string>> = [];
  try {
    for (const [i, call] of calls.entries()) {
      started.push(outcome(call()));
      await until(
        `call ${i + 1} to wait on a lock`,
        async () => (await waitingForLocks()) === i + 1,
      );
    }
  } finally {
    release();
    await holder;
  }
  return Promise.all(started);
}

describe.skipIf(!onPostgres)('lock order on one message (PostgreSQL)', () => {
  it('an edit waiting for the room, then a reaction: both succeed', async () => {
    const { roomId, messageId } = await freshMessage('edit then react');
    const results = await queuedBehindRoom(roomId, [
      () => ana.client.messages.edit.mutate({ messageId, body: 'edited' }),
      () => ben.client.messages.react.mutate({ messageId, emoji: '👍' }),
    ]);
    expect(results).toEqual(['ok', 'ok']);
    const view = await ben.client.messages.around.query({ messageId, limit: 1 });
    expect(view.items[0]?.body).toBe('edited');
    expect(view.items[0]?.reactions.map((r) => r.emoji)).toEqual(['👍']);
  });

  it('a delete waiting for the room, then an unreact: both succeed', async () => {
    const { roomId, messageId } = await freshMessage('delete then unreact');
    await ben.client.messages.react.mutate({ messageId, emoji: '🎉' });
    const results = await queuedBehindRoom(roomId, [
      () => ana.client.messages.delete.mutate({ messageId }),
      () => ben.client.messages.unreact.mutate({ messageId, emoji: '🎉' }),
    ]);
    // The unreact runs after the delete: the message is gone, which it says in words.
    expect(results).toEqual(['ok', 'BAD_REQUEST: This message was deleted.']);
  });

  it('a thread reply waiting for the room, then a reaction on its root, then an edit of it', async () => {
    const { roomId, messageId } = await freshMessage('reply react edit');
    const results = await queuedBehindRoom(roomId, [
      () =>
        ben.client.messages.send.mutate({
          roomId,
          body: 'in the thread',
          clientId: clientId(),
          threadId: messageId,
        }),
      () => ben.client.messages.react.mutate({ messageId, emoji: '👀' }),
      () => ana.client.messages.edit.mutate({ messageId, body: 'root, edited' }),
    ]);
    expect(results).toEqual(['ok', 'ok', 'ok']);
  });

  it('an edit queued behind a delete finds the message deleted (it does not write a body back)', async () => {
    const { roomId, messageId } = await freshMessage('delete then edit');
    const results = await queuedBehindRoom(roomId, [
      () => ana.client.messages.delete.mutate({ messageId }),
      () => ana.client.messages.edit.mutate({ messageId, body: 'back from the dead' }),
    ]);
    expect(results).toEqual(['ok', 'BAD_REQUEST: This message was deleted.']);
    const view = await ana.client.messages.around.query({ messageId, limit: 1 });
    expect(view.items[0]).toMatchObject({ body: '' });
    expect(view.items[0]?.deletedAt).not.toBeNull();
  });

  it('many concurrent edits, reactions, thread replies and a delete on one message: none fails', async () => {
    const rounds = 8;
    for (let round = 0; round < rounds; round++) {
      const { roomId, messageId } = await freshMessage(`storm ${round}`);
      const calls: Array<Promise<string>> = [];
      for (let i = 0; i < 6; i++) {
        calls.push(outcome(ana.client.messages.edit.mutate({ messageId, body: `edit ${i}` })));
        const emoji = ['👍', '🎉', '👀'][i % 3] ?? '👍';
        calls.push(outcome(ben.client.messages.react.mutate({ messageId, emoji })));
        calls.push(outcome(ana.client.messages.react.mutate({ messageId, emoji })));
        calls.push(outcome(ben.client.messages.unreact.mutate({ messageId, emoji })));
        calls.push(
          outcome(
            ben.client.messages.send.mutate({
              roomId,
              body: `reply ${i}`,
              clientId: clientId(),
              threadId: messageId,
            }),
          ),
        );
      }
      const deleted = round % 2 === 1;
      if (deleted) calls.push(outcome(ana.client.messages.delete.mutate({ messageId })));
      const results = await Promise.all(calls);
      // After a delete, a later edit, reaction or reply is refused in words; nothing else fails.
      const refusals = [
        'BAD_REQUEST: This message was deleted.',
        'BAD_REQUEST: That message was deleted: its thread takes no new replies.',
      ];
      const failed = results.filter((r) => r !== 'ok' && !(deleted && refusals.includes(r)));
      expect(failed, `round ${round}`).toEqual([]);
    }
  });
});
