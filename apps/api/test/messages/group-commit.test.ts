/**
 * Per-room group commit (messages/send-queue.ts, appendMessages in @parley/db): sends that
 * arrive while a room's write is in flight are written together, and still every message is
 * acknowledged once committed, at a gap-free position in commit order, exactly once per
 * (author, clientId), with a bounded waiting line per room. On PGlite, or PostgreSQL with
 * TEST_DATABASE_URL.
 */
import type { MessageView } from '@parley/api-contract/schemas';
import { type DbHandle, messages, roomEvents } from '@parley/db';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { and, asc, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningApp } from '../../src/app.js';
import type { Result } from '../../src/errors.js';
import { sendMessage } from '../../src/messages/service.js';
import type { AppRouter } from '../../src/router.js';
import { startTestServer, type TestServer } from '../../src/testing.js';
import {
  type Client,
  clientId,
  collect,
  type Person,
  signUp,
  testConfig,
  waitFor,
} from '../support/harness.js';

const WRITERS = 20;
const PER_WRITER = 50;
const QUEUE = 5;
const NODE_QUEUE = 12;

let server: TestServer;
let app: RunningApp;
let db: DbHandle;
/** A second server (its own database) whose rooms let only QUEUE sends wait. */
let small: TestServer;
/** Statements that wrote a batch of new messages (one per group commit). */
let batches = 0;
let people: Person[];

beforeAll(async () => {
  server = await startTestServer({
    config: testConfig,
    onQuery: (statement) => {
      if (statement.includes('json_to_recordset')) batches++;
    },
  });
  ({ app, db } = server);
  small = await startTestServer({
    // More calls at once per socket than the room lets wait, so the room's limit is the one met.
    config: {
      ...testConfig,
      roomSendQueue: QUEUE,
      nodeSendQueue: NODE_QUEUE,
      limits: { maxInFlightPerSocket: 100 },
    },
  });
  people = await Promise.all(
    Array.from({ length: WRITERS }, (_, i) => signUp(app.url, `writer_${i}`)),
  );
});
afterAll(async () => {
  for (const p of people ?? []) p.close();
  await server?.close();
  await small?.close();
});

/** A public room everyone in `members` has joined. */
async function room(name: string, members = people) {
  const [owner, ...others] = members;
  if (!owner) throw new Error('no members');
  const created = await owner.client.rooms.create.mutate({ name, visibility: 'public' });
  await Promise.all(others.map((p) => p.client.rooms.join.mutate({ roomId: created.id })));
  return created;
}

const stored = (roomId: string) =>
  db.db
    .select({ position: messages.position, clientId: messages.clientId, body: messages.body })
    .from(messages)
    .where(eq(messages.roomId, roomId))
    .orderBy(asc(messages.position));

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** A client that sends over WebSocket (the others send over HTTP). */
function overWebSocket(token: string): { client: Client; close(): void } {
  const socket = createWSClient({
    url: `${app.url.replace('http', 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { token },
  });
  return {
    client: createTRPCClient<AppRouter>({ links: [wsLink({ client: socket })] }),
    close: () => void socket.close(),
  };
}

describe('group commit', () => {
  it(`${WRITERS} writers × ${PER_WRITER} messages through messages.send: a reader sees 1..${WRITERS * PER_WRITER} in order, none twice`, async () => {
    const total = WRITERS * PER_WRITER;
    const { id: roomId } = await room('race');
    const live = collect(people[0] as Person, roomId);
    await waitFor(live.started, 'the live subscription');

    const polled: number[] = [];
    let writing = true;
    const reader = (async () => {
      let last = 0;
      const poll = async () => {
        const rows = await db.db
          .select({ position: roomEvents.position })
          .from(roomEvents)
          .where(and(eq(roomEvents.roomId, roomId), gt(roomEvents.position, last)))
          .orderBy(asc(roomEvents.position));
        for (const r of rows) {
          polled.push(r.position);
          last = r.position;
        }
      };
      while (writing) {
        await poll();
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await poll();
    })();

    const before = batches;
    const writers = Promise.all(
      people.map(async (person, w) => {
        // Half the writers over WebSocket, half over HTTP.
        const socket = w % 2 === 0 ? overWebSocket(person.token) : null;
        const client = socket?.client ?? person.client;
        const mine: MessageView[] = [];
        for (let i = 0; i < PER_WRITER; i++) {
          mine.push(
            await client.messages.send.mutate({
              roomId,
              body: `w${w} m${i}`,
              clientId: clientId(),
            }),
          );
        }
        socket?.close();
        return mine;
      }),
    );
    const acks = await writers.finally(() => {
      writing = false;
    });
    await reader;
    const written = batches - before;

    // Gap-free and exactly what was acknowledged.
    const rows = await stored(roomId);
    expect(rows.map((r) => r.position)).toEqual(range(total));
    const acked = acks.flat();
    expect(acked.map((m) => m.position).sort((a, b) => a - b)).toEqual(range(total));
    // Each writer's own messages are in the order it sent them.
    acks.forEach((mine, w) => {
      expect(mine.map((m) => m.body)).toEqual(range(PER_WRITER).map((i) => `w${w} m${i - 1}`));
      expect(mine.map((m) => m.position)).toEqual(
        [...mine.map((m) => m.position)].sort((a, b) => a - b),
      );
    });
    // A reader polling "after my last position" saw every one, once, in order.
    expect(polled).toEqual(range(total));
    // A live subscriber got every one, once, in order, as acknowledged.
    await waitFor(() => live.events.length >= total, 'every live event');
    expect(live.positions()).toEqual(range(total));
    const byPosition = new Map(acked.map((m) => [m.position, m]));
    for (const event of live.events) expect(event.message).toEqual(byPosition.get(event.position));
    // And they were written in groups: fewer statements than messages.
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(total);
    live.stop();
  });

  it('writes a burst in one statement: the same clientId twice gives one message, a committed clientId the first message, refusals only their own send', async () => {
    const [ana, ben, outsider] = people as [Person, Person, Person];
    const { id: roomId } = await room('one batch', people.slice(0, 2));
    const { deps } = app;
    const first = await sendMessage(deps, ana.user.id, { roomId, body: 'first', clientId: 'c-1' });
    if (!first.ok) throw new Error(first.message);
    const before = batches;
    // All in one event-loop turn: one group commit.
    const [twiceA, twiceB, retried, bens, outsiders, badReply] = await Promise.all([
      sendMessage(deps, ana.user.id, { roomId, body: 'once', clientId: 'c-2' }),
      sendMessage(deps, ana.user.id, { roomId, body: 'once, again', clientId: 'c-2' }),
      sendMessage(deps, ana.user.id, { roomId, body: 'first, again', clientId: 'c-1' }),
      sendMessage(deps, ben.user.id, {
        roomId,
        body: 'from ben',
        clientId: 'c-2',
        replyToId: first.value.id,
      }),
      sendMessage(deps, outsider.user.id, { roomId, body: 'not in', clientId: 'c-3' }),
      sendMessage(deps, ben.user.id, {
        roomId,
        body: 'reply elsewhere',
        clientId: 'c-4',
        replyToId: '00000000-0000-4000-8000-000000000000',
      }),
    ]);
    expect(batches - before).toBe(1);
    expect(twiceA.ok && twiceB.ok).toBe(true);
    expect(twiceB).toEqual(twiceA);
    expect(retried).toEqual(first);
    expect(outsiders).toMatchObject({ ok: false, error: 'FORBIDDEN' });
    expect(badReply).toMatchObject({ ok: false, error: 'BAD_REQUEST' });
    if (!twiceA.ok || !bens.ok) throw new Error('sends failed');
    expect(bens.value.replyTo).toMatchObject({ id: first.value.id, body: 'first' });
    expect(bens.value.author.id).toBe(ben.user.id);
    expect(await stored(roomId)).toEqual([
      { position: 1, clientId: 'c-1', body: 'first' },
      { position: 2, clientId: 'c-2', body: 'once' },
      { position: 3, clientId: 'c-2', body: 'from ben' },
    ]);
    // What a send answers is what history shows.
    const history = await ben.client.messages.history.query({ roomId });
    expect(history.items).toEqual([bens.value, twiceA.value, first.value]);
  });

  it('lets one clientId become one message even when two rooms write it at once', async () => {
    const [ana] = people as [Person];
    const one = await room('room one', people.slice(0, 1));
    const two = await room('room two', people.slice(0, 1));
    const results = await Promise.all([
      sendMessage(app.deps, ana.user.id, { roomId: one.id, body: 'here', clientId: 'twin' }),
      sendMessage(app.deps, ana.user.id, { roomId: two.id, body: 'there', clientId: 'twin' }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ error: 'CONFLICT' });
    const rows = await db.db.select().from(messages).where(eq(messages.clientId, 'twin'));
    expect(rows).toHaveLength(1);
  });

  it('isolates a send the database rejects: the others in its batch are written', async () => {
    const [ana] = people as [Person];
    const { id: roomId } = await room('isolation', people.slice(0, 1));
    const [good, bad, alsoGood] = await Promise.allSettled([
      sendMessage(app.deps, ana.user.id, { roomId, body: 'fine', clientId: clientId() }),
      sendMessage(app.deps, ana.user.id, { roomId, body: 'nul \u0000 byte', clientId: clientId() }),
      sendMessage(app.deps, ana.user.id, { roomId, body: 'also fine', clientId: clientId() }),
    ]);
    expect(good).toMatchObject({ status: 'fulfilled', value: { ok: true } });
    expect(alsoGood).toMatchObject({ status: 'fulfilled', value: { ok: true } });
    expect(bad.status).toBe('rejected');
    expect((await stored(roomId)).map((r) => [r.position, r.body])).toEqual([
      [1, 'fine'],
      [2, 'also fine'],
    ]);
  });
});

describe('a full room queue', () => {
  let ana: Person;
  beforeAll(async () => {
    ana = await signUp(small.url, 'queue_ana');
  });
  afterAll(() => ana?.close());
  const newRoom = (name: string) => ana.client.rooms.create.mutate({ name, visibility: 'public' });
  const storedHere = (roomId: string) =>
    small.db.db
      .select({ position: messages.position, body: messages.body })
      .from(messages)
      .where(eq(messages.roomId, roomId))
      .orderBy(asc(messages.position));
  const busy =
    /^This room is receiving more messages than Parley can save right now\. Try again in [\d.]+ seconds?\.$/;

  it(`refuses sends beyond ${QUEUE} waiting with TOO_MANY_REQUESTS, and a retry goes through`, async () => {
    const { id: roomId } = await newRoom('full');
    const results: Result<MessageView>[] = await Promise.all(
      Array.from({ length: QUEUE + 3 }, (_, i) =>
        sendMessage(small.app.deps, ana.user.id, { roomId, body: `m${i}`, clientId: `full-${i}` }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(QUEUE);
    for (const refused of results.filter((r) => !r.ok)) {
      expect(refused).toMatchObject({
        error: 'TOO_MANY_REQUESTS',
        message: expect.stringMatching(busy),
        retryAfterMs: expect.any(Number),
      });
    }
    const again = await sendMessage(small.app.deps, ana.user.id, {
      roomId,
      body: `m${QUEUE}`,
      clientId: `full-${QUEUE}`,
    });
    expect(again).toMatchObject({ ok: true, value: { position: QUEUE + 1 } });
    expect((await storedHere(roomId)).map((r) => r.position)).toEqual(range(QUEUE + 1));
  });

  it('bounds the node too: past nodeSendQueue waiting in all rooms together, sends are refused', async () => {
    // The small server lets QUEUE wait per room and NODE_QUEUE on the node: three rooms at
    // once, QUEUE each offered, so the node's bound is the one met.
    const rooms = await Promise.all(['node a', 'node b', 'node c'].map((n) => newRoom(n)));
    const results = await Promise.all(
      rooms.flatMap(({ id: roomId }, r) =>
        Array.from({ length: QUEUE }, (_, i) =>
          sendMessage(small.app.deps, ana.user.id, {
            roomId,
            body: `n${r}-${i}`,
            clientId: `node-${r}-${i}`,
          }),
        ),
      ),
    );
    const accepted = results.filter((r) => r.ok);
    expect(accepted).toHaveLength(NODE_QUEUE);
    for (const refused of results.filter((r) => !r.ok)) {
      expect(refused).toMatchObject({
        error: 'TOO_MANY_REQUESTS',
        message: expect.stringMatching(
          /^Parley is receiving more messages than it can save right now\. Try again in [\d.]+ seconds?\.$/,
        ),
        retryAfterMs: expect.any(Number),
      });
    }
    // Every acknowledged one is stored, once, gap-free per room; the line empties again.
    let stored = 0;
    for (const { id } of rooms) {
      const positions = (await storedHere(id)).map((r) => r.position);
      expect(positions).toEqual(range(positions.length));
      stored += positions.length;
    }
    expect(stored).toBe(NODE_QUEUE);
    const again = await sendMessage(small.app.deps, ana.user.id, {
      roomId: rooms[2]?.id ?? '',
      body: 'after',
      clientId: 'node-after',
    });
    expect(again.ok).toBe(true);
  });

  it('says so over the wire: a batch of mutations in one WebSocket frame', async () => {
    const { id: roomId } = await newRoom('full wire');
    const count = 3 * QUEUE;
    const ws = new WebSocket(`${small.wsUrl}?connectionParams=1`);
    const replies = new Map<
      number,
      { result?: { data: MessageView }; error?: { message: string; data: { code: string } } }
    >();
    ws.on('message', (data) => {
      if (String(data) === 'PING') return void ws.send('PONG');
      const reply = JSON.parse(String(data));
      if (typeof reply.id === 'number') replies.set(reply.id, reply);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ method: 'connectionParams', data: { token: ana.token } }));
    const send = (i: number) => ({
      id: i + 1,
      method: 'mutation',
      params: { path: 'messages.send', input: { roomId, body: `w${i}`, clientId: `wire-${i}` } },
    });
    ws.send(JSON.stringify(Array.from({ length: count }, (_, i) => send(i))));
    await waitFor(() => replies.size === count, 'every reply');
    const accepted = [...replies.values()].filter((r) => r.result);
    const refused = [...replies.values()].filter((r) => r.error);
    expect(accepted.length).toBeGreaterThanOrEqual(QUEUE);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.error?.data.code).toBe('TOO_MANY_REQUESTS');
      expect(r.error?.message).toMatch(busy);
    }
    // Every acknowledged message is stored, gap-free; the refused ones were not written.
    expect((await storedHere(roomId)).map((r) => r.body).sort()).toEqual(
      accepted.map((r) => r.result?.data.body).sort(),
    );
    expect((await storedHere(roomId)).map((r) => r.position)).toEqual(range(accepted.length));
    ws.close();
    // The client retries the refused ones with the same clientIds: they go through.
    for (const [id, r] of replies) {
      if (!r.error) continue;
      const i = id - 1;
      await ana.client.messages.send.mutate({ roomId, body: `w${i}`, clientId: `wire-${i}` });
    }
    expect((await storedHere(roomId)).map((r) => r.position)).toEqual(range(count));
  });
});

describe('publishing a group', () => {
  it('publishes in position order, each event before its sender hears back', async () => {
    const [ana, ben] = people as [Person, Person];
    const { id: roomId } = await room('order', people.slice(0, 2));
    // The bus itself, not a live subscription (which would put late events back in order).
    const published: Array<[number, string]> = [];
    const unsubscribe = app.deps.bus.subscribe('room', roomId, (event) => {
      published.push([event.position, event.message.body]);
    });
    const live = collect(ben, roomId);
    await waitFor(live.started, 'the subscription');
    const sent = await Promise.all(
      Array.from({ length: 3 * QUEUE }, (_, i) =>
        sendMessage(app.deps, (i % 2 ? ben : ana).user.id, {
          roomId,
          body: `b${i}`,
          clientId: clientId(),
        }).then((result) => {
          // Acknowledged after its event went out.
          expect(published.map(([p]) => p)).toContain(result.ok && result.value.position);
          return result;
        }),
      ),
    );
    expect(sent.every((r) => r.ok)).toBe(true);
    expect(published).toEqual(range(3 * QUEUE).map((p) => [p, `b${p - 1}`]));
    await waitFor(() => live.events.length === 3 * QUEUE, 'the live events');
    expect(live.positions()).toEqual(range(3 * QUEUE));
    unsubscribe();
    live.stop();
  });
});
