import type { RoomEvent } from '@parley/api-contract/schemas';
import { messages } from '@parley/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientId, connect, signUp, startServer, waitFor } from './harness.js';

type Server = Awaited<ReturnType<typeof startServer>>;
type Person = Awaited<ReturnType<typeof signUp>>;

let server: Server;
let ana: Person;
let ben: Person;

beforeAll(async () => {
  server = await startServer();
  ana = await signUp(server.app.url, 'ana');
  ben = await signUp(server.app.url, 'ben');
});
afterAll(async () => {
  ana?.close();
  ben?.close();
  await server?.close();
});

async function sharedRoom(name: string) {
  const room = await ana.client.rooms.create.mutate({ name, visibility: 'private' });
  await ana.client.rooms.invite.mutate({ roomId: room.id, username: ben.user.username });
  return room;
}

/** Subscribes to a room's events, collecting them; `lastEventId` resumes. */
function collect(person: { client: Person['client'] }, roomId: string, lastEventId?: string) {
  const events: RoomEvent[] = [];
  const errors: unknown[] = [];
  let started = false;
  const sub = person.client.live.roomEvents.subscribe(
    { roomId, lastEventId },
    {
      onStarted: () => {
        started = true;
      },
      onData: (tracked) => events.push(tracked.data),
      onError: (err) => errors.push(err),
    },
  );
  return {
    events,
    errors,
    started: () => started,
    positions: () => events.map((e) => e.position),
    created: () => events.filter((e) => e.type === 'message.created').map((e) => e.message.body),
    stop: () => sub.unsubscribe(),
  };
}

describe('live room events', () => {
  it('deliver a message to the other member and to the sender exactly once, and history has it', async () => {
    const room = await sharedRoom('two clients');
    const forBen = collect(ben, room.id);
    const forAna = collect(ana, room.id);
    await waitFor(() => forBen.started() && forAna.started(), 'subscriptions to start');

    const sent = await ana.client.messages.send.mutate({
      roomId: room.id,
      body: 'hello Ben',
      clientId: clientId(),
    });

    await waitFor(() => forBen.events.length === 1 && forAna.events.length === 1, 'delivery');
    // Let any duplicate arrive before asserting there is none.
    await ana.client.messages.send.mutate({
      roomId: room.id,
      body: 'marker',
      clientId: clientId(),
    });
    await waitFor(() => forAna.events.length >= 2 && forBen.events.length >= 2, 'marker');
    expect(forBen.created()).toEqual(['hello Ben', 'marker']);
    expect(forAna.created()).toEqual(['hello Ben', 'marker']);
    expect(forBen.events[0]).toMatchObject({
      type: 'message.created',
      position: sent.position,
      message: { id: sent.id, author: { username: 'ana' } },
    });

    const history = await ben.client.messages.history.query({ roomId: room.id });
    expect(history.items.map((m) => m.body)).toEqual(['marker', 'hello Ben']);
    forBen.stop();
    forAna.stop();
  });

  it('carry edits and deletes (tombstones) with their own positions', async () => {
    const room = await sharedRoom('edits');
    const forBen = collect(ben, room.id);
    await waitFor(forBen.started, 'subscription');
    const m = await ana.client.messages.send.mutate({
      roomId: room.id,
      body: 'typo',
      clientId: clientId(),
    });
    await ana.client.messages.edit.mutate({ messageId: m.id, body: 'fixed' });
    await ana.client.messages.delete.mutate({ messageId: m.id });
    await waitFor(() => forBen.events.length === 3, 'three events');
    expect(forBen.events.map((e) => e.type)).toEqual([
      'message.created',
      'message.edited',
      'message.deleted',
    ]);
    expect(forBen.positions()).toEqual([1, 2, 3]);
    expect(forBen.events[2]?.message).toMatchObject({ body: '', deletedAt: expect.any(String) });
    const history = await ben.client.messages.history.query({ roomId: room.id });
    expect(history.items).toHaveLength(1);
    expect(history.items[0]).toMatchObject({ body: '', editedAt: expect.any(String) });
    forBen.stop();
  });
});

describe('resume', () => {
  it('after the server drops the socket while 100 messages are sent: all 100, in order, none twice', async () => {
    const room = await sharedRoom('resume');
    const forBen = collect(ben, room.id);
    await waitFor(forBen.started, 'subscription');
    const sending = (async () => {
      for (let i = 1; i <= 100; i++) {
        await ana.client.messages.send.mutate({
          roomId: room.id,
          body: `m${i}`,
          clientId: clientId(),
        });
        if (i === 10 || i === 55) {
          // The server kills every socket it holds (Ben's is the only one), mid-stream.
          for (const socket of server.app.wss.clients) socket.terminate();
        }
      }
    })();
    await sending;
    await waitFor(() => forBen.events.length >= 100, '100 events', 30_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(forBen.created()).toEqual(Array.from({ length: 100 }, (_, i) => `m${i + 1}`));
    expect(forBen.positions()).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    forBen.stop();
  });

  it('from 10 concurrent senders, across a dropped socket', async () => {
    const senders = await Promise.all(
      Array.from({ length: 10 }, (_, i) => signUp(server.app.url, `sender${i}`)),
    );
    const room = await ana.client.rooms.create.mutate({ name: 'busy', visibility: 'public' });
    await Promise.all(senders.map((s) => s.client.rooms.join.mutate({ roomId: room.id })));
    await ben.client.rooms.join.mutate({ roomId: room.id });
    const forBen = collect(ben, room.id);
    await waitFor(forBen.started, 'subscription');
    let sentCount = 0;
    await Promise.all(
      senders.map(async (s, i) => {
        for (let j = 0; j < 10; j++) {
          await s.client.messages.send.mutate({
            roomId: room.id,
            body: `s${i}-${j}`,
            clientId: clientId(),
          });
          if (++sentCount === 40) for (const socket of server.app.wss.clients) socket.terminate();
        }
      }),
    );
    await waitFor(() => forBen.events.length >= 100, '100 events', 30_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(forBen.positions()).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(new Set(forBen.created()).size).toBe(100);
    for (const s of senders) s.close();
    forBen.stop();
  });

  it('across a full API restart on the same database', async () => {
    const room = await sharedRoom('restart');
    const forBen = collect(ben, room.id);
    await waitFor(forBen.started, 'subscription');
    for (let i = 1; i <= 50; i++) {
      await ana.client.messages.send.mutate({
        roomId: room.id,
        body: `r${i}`,
        clientId: clientId(),
      });
    }
    await waitFor(() => forBen.events.length === 50, 'first 50');
    await server.app.close();
    server.app = await server.restart();
    // Ana's HTTP client reaches the new server on the same port; Ben's socket reconnects.
    for (let i = 51; i <= 100; i++) {
      await ana.client.messages.send.mutate({
        roomId: room.id,
        body: `r${i}`,
        clientId: clientId(),
      });
    }
    await waitFor(() => forBen.events.length >= 100, 'all 100 after restart', 30_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(forBen.created()).toEqual(Array.from({ length: 100 }, (_, i) => `r${i + 1}`));
    expect(forBen.errors).toEqual([]);
    forBen.stop();
  });

  it('replays from an explicit lastEventId, then continues live', async () => {
    const room = await sharedRoom('explicit resume');
    for (let i = 1; i <= 5; i++) {
      await ana.client.messages.send.mutate({
        roomId: room.id,
        body: `e${i}`,
        clientId: clientId(),
      });
    }
    const forBen = collect(ben, room.id, '2');
    await waitFor(() => forBen.events.length === 3, 'replay');
    await ana.client.messages.send.mutate({ roomId: room.id, body: 'e6', clientId: clientId() });
    await waitFor(() => forBen.events.length === 4, 'live after replay');
    expect(forBen.created()).toEqual(['e3', 'e4', 'e5', 'e6']);
    forBen.stop();
  });
});

describe('history', () => {
  it('pages newest-first by keyset, with `before` or its alias `cursor`', async () => {
    const room = await sharedRoom('paging');
    for (let i = 1; i <= 7; i++) {
      await ana.client.messages.send.mutate({
        roomId: room.id,
        body: `p${i}`,
        clientId: clientId(),
      });
    }
    const first = await ben.client.messages.history.query({ roomId: room.id, limit: 3 });
    expect(first.items.map((m) => m.body)).toEqual(['p7', 'p6', 'p5']);
    expect(first.nextCursor).toBe(5);
    const second = await ben.client.messages.history.query({
      roomId: room.id,
      limit: 3,
      before: first.nextCursor ?? undefined,
    });
    expect(second.items.map((m) => m.body)).toEqual(['p4', 'p3', 'p2']);
    const third = await ben.client.messages.history.query({
      roomId: room.id,
      limit: 3,
      cursor: second.nextCursor,
    });
    expect(third.items.map((m) => m.body)).toEqual(['p1']);
    expect(third.nextCursor).toBeNull();
  });
});

describe('room list', () => {
  it('puts the most recently active room first, with unread counts and the last message', async () => {
    const quiet = await sharedRoom('list quiet');
    const busy = await sharedRoom('list busy');
    await ana.client.messages.send.mutate({
      roomId: quiet.id,
      body: 'older',
      clientId: clientId(),
    });
    await ana.client.messages.send.mutate({ roomId: busy.id, body: 'newer', clientId: clientId() });
    await ana.client.messages.send.mutate({
      roomId: quiet.id,
      body: 'newest',
      clientId: clientId(),
    });
    const list = await ben.client.rooms.list.query();
    const mine = list.filter((r) => r.id === quiet.id || r.id === busy.id);
    expect(mine.map((r) => [r.name, r.unread, r.lastMessage?.body])).toEqual([
      ['list quiet', 2, 'newest'],
      ['list busy', 1, 'newer'],
    ]);
    // Rooms with messages come before rooms without.
    const firstEmpty = list.findIndex((r) => r.lastMessage === null);
    if (firstEmpty !== -1)
      expect(list.slice(firstEmpty).every((r) => r.lastMessage === null)).toBe(true);
  });
});

describe('idempotent send', () => {
  it('one clientId sent 5 times concurrently stores one message and gives 5 identical replies', async () => {
    const room = await sharedRoom('idempotent');
    const id = clientId();
    const replies = await Promise.all(
      Array.from({ length: 5 }, () =>
        ana.client.messages.send.mutate({ roomId: room.id, body: 'once', clientId: id }),
      ),
    );
    for (const reply of replies) expect(reply).toEqual(replies[0]);
    const stored = await server.db.db.select().from(messages).where(eq(messages.roomId, room.id));
    expect(stored).toHaveLength(1);
    // And the room's positions stayed gap-free: the next message is number 2.
    const next = await ana.client.messages.send.mutate({
      roomId: room.id,
      body: 'two',
      clientId: clientId(),
    });
    expect(next.position).toBe(2);
  });
});

describe('typing and presence', () => {
  it('shows typing, then not typing after the expiry', async () => {
    const room = await sharedRoom('typing');
    const seen: string[] = [];
    const sub = ben.client.live.roomActivity.subscribe(
      { roomId: room.id },
      {
        onData: (e) => {
          if (e.type === 'typing' && e.user.id === ana.user.id) seen.push(e.typing ? 'on' : 'off');
        },
      },
    );
    await new Promise((r) => setTimeout(r, 200));
    await ana.client.live.typing.mutate({ roomId: room.id });
    await waitFor(() => seen.includes('on'), 'typing on');
    await waitFor(() => seen.includes('off'), 'typing off after expiry');
    expect(seen).toEqual(['on', 'off']);
    sub.unsubscribe();
  });

  it('tells someone who opens the room who is already typing', async () => {
    const room = await sharedRoom('late typing');
    await ana.client.live.typing.mutate({ roomId: room.id });
    let typing: string[] | null = null;
    const sub = ben.client.live.roomActivity.subscribe(
      { roomId: room.id },
      {
        onData: (e) => {
          if (e.type === 'presence.snapshot') typing = e.typing.map((u) => u.username);
        },
      },
    );
    await waitFor(() => typing !== null, 'snapshot');
    expect(typing).toEqual(['ana']);
    sub.unsubscribe();
  });

  it('sees a member go offline when their socket dies without a close frame', async () => {
    const room = await sharedRoom('presence');
    const cleo = await signUp(server.app.url, 'cleo');
    await ana.client.rooms.invite.mutate({ roomId: room.id, username: cleo.user.username });
    const events: Array<{ userId: string; online: boolean }> = [];
    let snapshot: string[] | null = null;
    const sub = ben.client.live.roomActivity.subscribe(
      { roomId: room.id },
      {
        onData: (e) => {
          if (e.type === 'presence.snapshot') snapshot = e.online;
          if (e.type === 'presence' && e.userId === cleo.user.id) events.push(e);
        },
      },
    );
    await waitFor(() => snapshot !== null, 'snapshot');
    // Cleo comes online with a raw socket that will never answer the server's pings: to the
    // server, a peer that vanished without a close frame.
    const { default: WebSocket } = await import('ws');
    const raw = new WebSocket(`${server.app.url.replace('http', 'ws')}/trpc?connectionParams=1`);
    raw.on('open', () =>
      raw.send(JSON.stringify({ method: 'connectionParams', data: { token: cleo.token } })),
    );
    await waitFor(() => events.some((e) => e.online), 'cleo online');
    await waitFor(() => events.some((e) => !e.online), 'cleo offline via keep-alive');
    expect(events).toEqual([
      { type: 'presence', userId: cleo.user.id, online: true },
      { type: 'presence', userId: cleo.user.id, online: false },
    ]);
    const members = await ben.client.rooms.members.query({ roomId: room.id });
    expect(members.find((m) => m.id === cleo.user.id)?.online).toBe(false);
    raw.terminate();
    cleo.close();
    sub.unsubscribe();
  });
});

describe('membership changes', () => {
  it('a kicked member is told, and their subscription to the room ends', async () => {
    const room = await sharedRoom('kick');
    const userEvents: string[] = [];
    const userSub = ben.client.live.userEvents.subscribe(undefined, {
      onData: (e) => userEvents.push(e.type === 'room.removed' ? `removed ${e.roomId}` : e.type),
    });
    const forBen = collect(ben, room.id);
    const baseline = server.app.deps.bus.listenerCount();
    await waitFor(forBen.started, 'subscription');
    await waitFor(() => server.app.deps.bus.listenerCount() >= baseline, 'listening');
    await ana.client.rooms.kick.mutate({ roomId: room.id, username: ben.user.username });
    await waitFor(() => userEvents.includes(`removed ${room.id}`), 'room.removed event');
    await ana.client.messages.send.mutate({ roomId: room.id, body: 'after', clientId: clientId() });
    await new Promise((r) => setTimeout(r, 200));
    expect(forBen.events).toEqual([]);
    const history = await ben.client.messages.history.query({ roomId: room.id }).catch((e) => e);
    expect(history).toBeInstanceOf(Error);
    userSub.unsubscribe();
    forBen.stop();
  });
});

describe('resources', () => {
  it('1000 subscribe/unsubscribe cycles leave no listener behind', async () => {
    const room = await sharedRoom('leaks');
    const bus = server.app.deps.bus;
    const baseline = bus.listenerCount();
    const probe = connect(server.app.url, ben.token);
    for (let batch = 0; batch < 10; batch++) {
      const subs = Array.from({ length: 100 }, () => collect(probe, room.id));
      // Each live subscription holds at least one bus listener once its generator runs.
      await waitFor(() => bus.listenerCount() >= baseline + 100, 'batch listening');
      for (const s of subs) s.stop();
    }
    await waitFor(() => bus.listenerCount() === baseline, 'listeners released');
    probe.close();
    expect(bus.listenerCount()).toBe(baseline);
  });

  it('closing the socket releases its subscriptions', async () => {
    const room = await sharedRoom('socket close');
    const bus = server.app.deps.bus;
    const baseline = bus.listenerCount();
    const probe = connect(server.app.url, ben.token);
    const subs = Array.from({ length: 20 }, () => collect(probe, room.id));
    await waitFor(() => subs.every((s) => s.started()), 'started');
    probe.close();
    await waitFor(() => bus.listenerCount() === baseline, 'listeners released on close');
  });
});
