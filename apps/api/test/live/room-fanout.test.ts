/**
 * The room fan-out (live/room-fanout.ts, live/room-delivery.ts): a room's events reach every
 * subscriber on a node in position order even when they are published out of order, a gap is
 * read from the database once for all the room's subscribers (statements counted by the
 * database client), and caught-up subscribers get frames written straight to their sockets
 * that @trpc/client reads like tRPC's own. On PGlite, or PostgreSQL with TEST_DATABASE_URL.
 */
import type { RoomEvent } from '@parley/api-contract/schemas';
import { appendMessages } from '@parley/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toView } from '../../src/messages/views.js';
import { startTestServer, type TestServer } from '../../src/testing.js';
import {
  type Connected,
  clientId,
  collect,
  connect,
  type Person,
  shareRoom,
  signUp,
  testConfig,
  waitFor,
} from '../support/harness.js';

const SUBSCRIBERS = 50;
const PER_SOCKET = 10;

let server: TestServer;
let ana: Person;
let ben: Person;
let sockets: Connected[] = [];
/** Reads of a room's events (what a gap read or a replay sends). */
let eventReads = 0;

beforeAll(async () => {
  server = await startTestServer({
    // No keep-alive pings: on a loaded machine a late pong drops a socket, and its resubscription
    // would add reads this test counts.
    config: { ...testConfig, wsPingMs: 600_000 },
    onQuery: (statement) => {
      if (/^select .* from "room_events"/s.test(statement)) eventReads++;
    },
  });
  ana = await signUp(server.app.url, 'ana');
  ben = await signUp(server.app.url, 'ben');
  sockets = Array.from({ length: SUBSCRIBERS / PER_SOCKET }, () =>
    connect(server.app.url, ben.token),
  );
});
afterAll(async () => {
  for (const s of sockets) s.close();
  ana?.close();
  ben?.close();
  await server?.close();
});

/** Messages written to the room's log without being published (as if another node wrote them). */
async function writeUnpublished(roomId: string, bodies: string[]): Promise<RoomEvent[]> {
  const results = await appendMessages(
    server.db.db,
    roomId,
    bodies.map((body) => ({ authorId: ana.user.id, clientId: clientId(), body, replyToId: null })),
  );
  return results.map((result) => {
    if (result.outcome !== 'created') throw new Error(`not written: ${result.outcome}`);
    const message = toView(result);
    return { type: 'message.created', position: message.position, message };
  });
}

it('orders events published out of order, and reads a gap once for all subscribers', async () => {
  const room = await shareRoom(ana, ben, 'fan-out');
  const subs = sockets.flatMap((socket) =>
    Array.from({ length: PER_SOCKET }, () => collect(socket, room.id)),
  );
  await waitFor(() => subs.every((s) => s.started()), 'subscriptions started');
  const everyoneHas = (n: number) => subs.every((s) => s.events.length >= n);

  // Publishes that complete out of order (3, 1, 2): every subscriber still sees 1, 2, 3, and
  // the room's feed orders them without reading the database.
  const [one, two, three] = await writeUnpublished(room.id, ['one', 'two', 'three']);
  if (!one || !two || !three) throw new Error('three messages');
  const readsBefore = eventReads;
  for (const event of [three, one, two]) server.app.deps.events.messageEvent(event);
  await waitFor(() => everyoneHas(3), 'three events everywhere');
  expect(eventReads - readsBefore).toBe(0);

  // Three more written, only the last one published: the two before it are a gap, which the
  // room's feed reads once, for all 50 subscribers (not once each).
  const more = await writeUnpublished(room.id, ['four', 'five', 'six']);
  const six = more[2];
  if (!six) throw new Error('three more');
  const readsBeforeGap = eventReads;
  server.app.deps.events.messageEvent(six);
  await waitFor(() => everyoneHas(6), 'the gap filled everywhere');
  expect(eventReads - readsBeforeGap).toBe(1);

  // And the normal path after it: a sent message, delivered directly, still in order.
  await ana.client.messages.send.mutate({ roomId: room.id, body: 'seven', clientId: clientId() });
  await waitFor(() => everyoneHas(7), 'the sent message everywhere');
  for (const s of subs) {
    expect(s.positions()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(s.created()).toEqual(['one', 'two', 'three', 'four', 'five', 'six', 'seven']);
    expect(s.errors).toEqual([]);
  }
  expect(eventReads - readsBeforeGap).toBe(1);
  for (const s of subs) s.stop();
});

it('a resuming subscriber replays, then joins the live frames without gap or duplicate', async () => {
  const room = await shareRoom(ana, ben, 'resume into direct');
  for (let i = 1; i <= 5; i++) {
    await ana.client.messages.send.mutate({ roomId: room.id, body: `m${i}`, clientId: clientId() });
  }
  const live = collect(ben, room.id);
  const resumed = collect(ben, room.id, '2');
  await waitFor(() => live.started() && resumed.events.length >= 3, 'replayed');
  for (let i = 6; i <= 8; i++) {
    await ana.client.messages.send.mutate({ roomId: room.id, body: `m${i}`, clientId: clientId() });
  }
  await waitFor(() => resumed.events.length >= 6 && live.events.length >= 3, 'live');
  expect(resumed.positions()).toEqual([3, 4, 5, 6, 7, 8]);
  expect(live.positions()).toEqual([6, 7, 8]);
  live.stop();
  resumed.stop();
});
