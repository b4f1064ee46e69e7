/**
 * The database work one message costs does not grow with the people online (issue 9): online
 * members that behave like the web app (the room list kept live from `live.userEvents`,
 * patched from each room.activity, refetched only when rooms come or go) cost no query per
 * message. Statements counted by the database client (createDb's onQuery).
 */
import type { RoomSummary, UserEvent } from '@parley/api-contract/schemas';
import { createTRPCClient, httpLink, splitLink, wsLink } from '@trpc/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppRouter } from '../../src/router.js';
import { startTestServer, type TestServer } from '../../src/testing.js';
import {
  type Client,
  clientId,
  type Person,
  signUp,
  testConfig,
  waitFor,
} from '../support/harness.js';

const MANY = 50;

let server: TestServer;
let statements = 0;
/** Of those, the writes of read marks (one or many marks per statement). */
let markWrites = 0;
let owner: Person;
let people: Person[] = [];

beforeAll(async () => {
  server = await startTestServer({
    config: { ...testConfig, wsPingMs: 600_000 },
    onQuery: (statement) => {
      statements++;
      if (/^update "?memberships"?\b[^;]*last_read_position/is.test(statement)) markWrites++;
    },
  });
  owner = await signUp(server.app.url, 'owner');
  people = await Promise.all(Array.from({ length: MANY }, () => signUp(server.app.url)));
}, 180_000);
afterAll(async () => {
  for (const p of [owner, ...people]) p?.close();
  await server?.close();
});

/** A member online as the web app is: its room list, kept live the way roomList.ts does. */
function webLike(person: Person) {
  let rooms: RoomSummary[] = [];
  let activity = 0;
  let refetches = 0;
  const refetch = () => {
    refetches++;
    void person.client.rooms.list.query().then((list) => {
      rooms = list;
    });
  };
  const onData = (event: UserEvent) => {
    if (['presence', 'user.updated', 'room.updated', 'room.role'].includes(event.type)) return;
    if (event.type !== 'room.activity') return refetch();
    activity++;
    // roomListReducer.ts: patched from the event; asked again only for a room not listed.
    if (!rooms.some((r) => r.id === event.roomId)) refetch();
  };
  let started = false;
  const sub = person.client.live.userEvents.subscribe(undefined, {
    onStarted: () => {
      started = true;
    },
    onData,
  });
  return {
    load: async () => {
      rooms = await person.client.rooms.list.query();
    },
    started: () => started,
    activity: () => activity,
    refetches: () => refetches,
    stop: () => sub.unsubscribe(),
  };
}

async function costOfOneMessage(members: Person[], name: string): Promise<number> {
  const room = await owner.client.rooms.create.mutate({ name, visibility: 'public' });
  await Promise.all(members.map((m) => m.client.rooms.join.mutate({ roomId: room.id })));
  const online = members.map(webLike);
  await Promise.all(online.map((o) => o.load()));
  await waitFor(() => online.every((o) => o.started()), 'online');
  // A first message, so that what is measured is a room in use.
  await owner.client.messages.send.mutate({ roomId: room.id, body: 'first', clientId: clientId() });
  await waitFor(() => online.every((o) => o.activity() >= 1), 'first activity');
  await new Promise((r) => setTimeout(r, 300));
  const before = statements;
  await owner.client.messages.send.mutate({
    roomId: room.id,
    body: 'second',
    clientId: clientId(),
  });
  await waitFor(() => online.every((o) => o.activity() >= 2), 'second activity');
  await new Promise((r) => setTimeout(r, 300));
  const cost = statements - before;
  expect(online.every((o) => o.refetches() === 0)).toBe(true);
  for (const o of online) o.stop();
  return cost;
}

it('a message costs the same statements with 1 and with 50 web-like members online', async () => {
  const one = await costOfOneMessage(people.slice(0, 1), 'one online');
  const fifty = await costOfOneMessage(people, 'fifty online');
  expect(fifty).toBe(one);
  // The send itself, and the sender's session and membership checks: a handful.
  expect(one).toBeLessThanOrEqual(5);
}, 120_000);

it('read marks of many viewers are written together: one statement per window, not one per viewer', async () => {
  const room = await owner.client.rooms.create.mutate({
    name: 'many readers',
    visibility: 'public',
  });
  await Promise.all(people.map((m) => m.client.rooms.join.mutate({ roomId: room.id })));
  const send = (body: string) =>
    owner.client.messages.send.mutate({ roomId: room.id, body, clientId: clientId() });
  const first = await send('one');
  // Each viewer's first mark is written at once (and starts its window).
  await Promise.all(
    people.map((m) =>
      m.client.rooms.markRead.mutate({ roomId: room.id, position: first.position }),
    ),
  );
  const second = await send('two');
  const before = statements;
  const writesBefore = markWrites;
  const marks = await Promise.all(
    people.map((m) =>
      m.client.rooms.markRead.mutate({ roomId: room.id, position: second.position }),
    ),
  );
  expect(marks.every((m) => m.lastReadPosition === second.position)).toBe(true);
  // Each call only reads (its session and membership); the marks wait for the window's end.
  const reads = statements - before - (markWrites - writesBefore);
  expect(reads).toBeLessThanOrEqual(2 * people.length);
  await new Promise((r) => setTimeout(r, 1_500));
  // Then all fifty are written together: one statement, or two when the window's end fell
  // among the calls (a loaded machine stretches them over more than a second).
  const writes = markWrites - writesBefore;
  expect(writes).toBeGreaterThanOrEqual(1);
  expect(writes).toBeLessThanOrEqual(2);
  expect(statements - before).toBe(reads + writes);
  const lists = await Promise.all(people.map((m) => m.client.rooms.list.query()));
  for (const list of lists) {
    const mine = list.find((r) => r.id === room.id);
    expect(mine?.lastReadPosition).toBe(second.position);
    expect(mine?.unread).toBe(0);
  }
}, 120_000);

/**
 * The person's client as the web app's (lib/trpc.ts): read marks over the WebSocket. One client
 * per socket: request ids are per client, and two clients on one socket would reuse them.
 */
const webClients = new Map<Person, Client>();
function overSocket(person: Person): Client {
  let client = webClients.get(person);
  if (!client) {
    client = createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription' || op.path === 'rooms.markRead',
          true: wsLink({ client: person.ws }),
          false: httpLink({
            url: `${server.app.url}/trpc`,
            headers: { Authorization: `Bearer ${person.token}` },
          }),
        }),
      ],
    });
    webClients.set(person, client);
  }
  return client;
}

/** Viewers of a room, as RoomView is: its events live, each one marked read over the socket. */
function viewers(members: Person[], roomId: string) {
  let marked = 0;
  let refused = 0;
  const subs = members.map((m) => {
    const socket = overSocket(m);
    let started = false;
    const sub = socket.live.roomEvents.subscribe(
      { roomId },
      {
        onStarted: () => {
          started = true;
        },
        onData: ({ data }) => {
          socket.rooms.markRead.mutate({ roomId, position: data.position }).then(
            () => marked++,
            () => refused++,
          );
        },
      },
    );
    return { sub, started: () => started };
  });
  return {
    started: () => subs.every((s) => s.started()),
    marked: () => marked,
    refused: () => refused,
    stop: () => {
      for (const s of subs) s.sub.unsubscribe();
    },
  };
}

async function costWithViewers(members: Person[], name: string): Promise<number> {
  const room = await owner.client.rooms.create.mutate({ name, visibility: 'public' });
  await Promise.all(members.map((m) => m.client.rooms.join.mutate({ roomId: room.id })));
  const view = viewers(members, room.id);
  await waitFor(view.started, 'viewers');
  const send = (body: string) =>
    owner.client.messages.send.mutate({ roomId: room.id, body, clientId: clientId() });
  // Each viewer's first mark checks its membership and is written at once: not what is measured.
  await send('first');
  await waitFor(() => view.marked() >= members.length, 'first marks');
  // Past the window, so the measured message's marks are one shared write of their own.
  await new Promise((r) => setTimeout(r, 1_200));
  const before = statements;
  await send('second');
  await waitFor(() => view.marked() >= 2 * members.length, 'second marks');
  await new Promise((r) => setTimeout(r, 1_500));
  const cost = statements - before;
  expect(view.refused()).toBe(0);
  view.stop();
  return cost;
}

it('a message costs the same statements with 1 and with 50 viewers marking it read', async () => {
  const one = await costWithViewers(people.slice(0, 1), 'one viewer');
  const fifty = await costWithViewers(people, 'fifty viewers');
  // The send, and the marks of all viewers in one write (two if they straddle a window).
  expect(fifty).toBeLessThanOrEqual(one + 1);
  expect(one).toBeLessThanOrEqual(6);
}, 120_000);

it('a viewer removed from a room cannot mark it read any more, though its marks were not being checked', async () => {
  const [ben, cleo] = people;
  if (!ben || !cleo) throw new Error('people');
  const room = await owner.client.rooms.create.mutate({ name: 'kicked', visibility: 'private' });
  for (const p of [ben, cleo])
    await owner.client.rooms.invite.mutate({ roomId: room.id, username: p.user.username });
  const send = (body: string) =>
    owner.client.messages.send.mutate({ roomId: room.id, body, clientId: clientId() });
  const view = viewers([ben, cleo], room.id);
  await waitFor(view.started, 'viewers');
  await send('one');
  await waitFor(() => view.marked() >= 2, 'first marks');
  // The second marks take the checked path: no statement at all.
  const before = statements;
  const second = await send('two');
  await waitFor(() => view.marked() >= 4, 'second marks');
  const sendCost = statements - before;
  const marks = await Promise.all(
    [ben, cleo].map((p) =>
      overSocket(p).rooms.markRead.mutate({ roomId: room.id, position: second.position }),
    ),
  );
  expect(marks.map((m) => m.lastReadPosition)).toEqual([second.position, second.position]);
  expect(statements - before).toBe(sendCost);
  view.stop();

  await owner.client.rooms.kick.mutate({ roomId: room.id, username: ben.user.username });
  await cleo.client.rooms.leave.mutate({ roomId: room.id });
  // A position they had marked (what the checked path answers without a statement) and one
  // past it: both refused, as to anyone outside a private room.
  await send('three');
  for (const p of [ben, cleo]) {
    for (const position of [second.position, second.position + 1]) {
      await expect(
        overSocket(p).rooms.markRead.mutate({ roomId: room.id, position }),
      ).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    }
  }
}, 120_000);
