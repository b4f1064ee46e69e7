/**
 * Two nodes in one process on one database and one Redis (cluster mode): live delivery,
 * presence, typing, member lists, rate limits and revocation cross nodes, and the seam race
 * (a SUBSCRIBE acknowledged late) loses nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningApp } from '../../src/app.js';
import { testRedisUrl } from '../../src/testing.js';
import {
  clientId,
  collect,
  connect,
  type Person,
  shareRoom,
  signUp,
  startServer,
  type TestServer,
  waitFor,
} from '../support/harness.js';

const redisUrl = testRedisUrl();
if (!redisUrl) console.warn('[apps/api] skipping cluster tests: no TEST_REDIS_URL');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe.skipIf(!redisUrl)('two nodes on Redis', () => {
  let server: TestServer;
  let node2: RunningApp;
  /** Set by a test: runs before node 2 sends each SUBSCRIBE. */
  let hook: ((channel: string) => Promise<void>) | null = null;

  beforeAll(async () => {
    // A typing window that a loaded machine's requests stay well inside.
    server = await startServer({ redisUrl, typingTtlMs: 2_000 });
    node2 = await server.startSibling({
      beforeSubscribe: (channel) => hook?.(channel) ?? sleep(0),
    });
  });
  afterAll(async () => {
    await node2?.close();
    await server?.close();
  });

  /** The same person, signed in on each node. */
  const onNode2 = (person: Person) => ({ ...person, ...connect(node2.url, person.token) });

  it('delivers a message sent on node 1 to a subscriber on node 2, once, in order', async () => {
    const ana = await signUp(server.url, 'ana');
    const ben = onNode2(await signUp(server.url, 'ben'));
    const room = await shareRoom(ana, ben, 'across');
    const forBen = collect(ben, room.id);
    await waitFor(forBen.started, 'subscription on node 2');
    for (let i = 0; i < 20; i++)
      await ana.client.messages.send.mutate({
        roomId: room.id,
        body: `m${i}`,
        clientId: clientId(),
      });
    await waitFor(() => forBen.events.length >= 20, 'delivery across nodes');
    await sleep(200);
    expect(forBen.created()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    forBen.stop();
    ana.close();
    ben.close();
  });

  it('encodes an event once per publish, whichever node and however many subscribers', async () => {
    const ana = await signUp(server.url, 'ana7');
    const ben = await signUp(server.url, 'ben7');
    const benOn2 = onNode2(ben);
    const room = await shareRoom(ana, ben, 'encoding');
    // Three subscribers on each node: any per-subscriber or per-node encoding shows as more.
    const feeds = [ana, ana, ana, benOn2, benOn2, benOn2].map((p) => collect(p, room.id));
    await waitFor(() => feeds.every((f) => f.started()), 'subscriptions on both nodes');
    await sleep(200);
    const marker = `once-${clientId()}`;
    const isEvent = (text: string) => text.includes(marker) && text.includes('"message.created"');
    const stringify = vi.spyOn(JSON, 'stringify');
    const parse = vi.spyOn(JSON, 'parse');
    try {
      for (let i = 0; i < 5; i++)
        await ana.client.messages.send.mutate({
          roomId: room.id,
          body: `${marker} ${i}`,
          clientId: clientId(),
        });
      await waitFor(() => feeds.every((f) => f.events.length >= 5), 'delivery on both nodes');
      await sleep(200);
      const encoded = stringify.mock.results.filter(
        (r) => r.type === 'return' && typeof r.value === 'string' && isEvent(r.value),
      ).length;
      // Decoded on a node, not by a client (whose frames are tRPC envelopes with a result).
      const decoded = parse.mock.calls.filter(
        ([text]) => typeof text === 'string' && isEvent(text) && !text.includes('"result":'),
      ).length;
      // Node 1 encodes each event once, for Redis and its own subscribers' frames; node 2
      // decodes it once and splices the received string into its subscribers' frames.
      expect({ encoded, decoded }).toEqual({ encoded: 5, decoded: 5 });
    } finally {
      stringify.mockRestore();
      parse.mockRestore();
    }
    for (const feed of feeds) {
      expect(feed.created()).toEqual(Array.from({ length: 5 }, (_, i) => `${marker} ${i}`));
      feed.stop();
    }
    ana.close();
    ben.close();
    benOn2.close();
  });

  it('loses no event when the SUBSCRIBE is acknowledged late in a quiet room (the seam race)', async () => {
    const ana = await signUp(server.url, 'ana2');
    const ben = onNode2(await signUp(server.url, 'ben2'));
    const room = await shareRoom(ana, ben, 'seam');
    const first = await ana.client.messages.send.mutate({
      roomId: room.id,
      body: 'before',
      clientId: clientId(),
    });
    let raced = false;
    hook = async (channel) => {
      if (!channel.endsWith(`bus:room:${room.id}`)) return;
      // While node 2's SUBSCRIBE is held back, a message is committed and published on node 1:
      // node 2 cannot receive it, so only a database read after the acknowledgement finds it.
      await sleep(200);
      await ana.client.messages.send.mutate({
        roomId: room.id,
        body: 'in the gap',
        clientId: clientId(),
      });
      raced = true;
      await sleep(200);
    };
    try {
      const forBen = collect(ben, room.id, String(first.position));
      await waitFor(() => raced && forBen.started(), 'subscription with the late acknowledgement');
      // A quiet room: nothing else is sent, so no later event could reveal the gap.
      await waitFor(
        () => forBen.created().includes('in the gap'),
        'the message sent in the gap',
        5_000,
      );
      expect(forBen.created()).toEqual(['in the gap']);
      forBen.stop();
    } finally {
      hook = null;
      ana.close();
      ben.close();
    }
  });

  it('shows presence and typing across nodes, and members online whichever node answers', async () => {
    const ana = await signUp(server.url, 'ana3');
    const ben = await signUp(server.url, 'ben3');
    const room = await shareRoom(ana, ben, 'activity');
    const benOn2 = onNode2(ben);
    const seen: string[] = [];
    let snapshot: string[] = [];
    const sub = ana.client.live.roomActivity.subscribe(
      { roomId: room.id },
      {
        onData: (e) => {
          if (e.type === 'presence.snapshot') snapshot = e.online;
          if (e.type === 'presence')
            seen.push(`${e.userId === ben.user.id ? 'ben' : '?'} ${e.online}`);
          if (e.type === 'typing') seen.push(`typing ${e.user.username} ${e.typing}`);
        },
      },
    );
    await waitFor(() => snapshot.includes(ana.user.id), 'snapshot on node 1');
    // Ben's socket is on node 2.
    const benSub = benOn2.client.live.userEvents.subscribe(undefined, {});
    await waitFor(() => seen.includes('ben true'), 'ben online, seen on node 1');
    for (const node of [server.url, node2.url]) {
      const asker = connect(node, ana.token);
      const members = await asker.client.rooms.members.query({ roomId: room.id });
      expect(members.find((m) => m.id === ben.user.id)?.online).toBe(true);
      asker.close();
    }
    // Typing through node 2, refreshed through node 1 (a balancer spreads requests).
    await benOn2.client.live.typing.mutate({ roomId: room.id });
    await waitFor(() => seen.includes(`typing ${ben.user.username} true`), 'typing across nodes');
    for (let i = 0; i < 4; i++) {
      await sleep(500);
      await ben.client.live.typing.mutate({ roomId: room.id });
    }
    expect(seen.filter((s) => s.startsWith('typing'))).toEqual([
      `typing ${ben.user.username} true`,
    ]);
    await waitFor(() => seen.includes(`typing ${ben.user.username} false`), 'typing expires once');
    benSub.unsubscribe();
    benOn2.close();
    await waitFor(() => seen.includes('ben false'), 'ben offline, seen on node 1');
    sub.unsubscribe();
    ana.close();
    ben.close();
  });

  it('a removal on node 1 ends the read marks node 2 stopped checking', async () => {
    const ana = await signUp(server.url, 'ana_marks');
    const ben = onNode2(await signUp(server.url, 'ben_marks'));
    const room = await shareRoom(ana, ben, 'marks');
    const { position } = await ana.client.messages.send.mutate({
      roomId: room.id,
      body: 'read me',
      clientId: clientId(),
    });
    const mark = () => ben.client.rooms.markRead.mutate({ roomId: room.id, position });
    // The first mark on node 2 checks the membership; the second is answered from memory.
    expect((await mark()).lastReadPosition).toBe(position);
    expect((await mark()).lastReadPosition).toBe(position);
    await ana.client.rooms.kick.mutate({ roomId: room.id, username: ben.user.username });
    // Node 2 hears of it over Redis (a moment) and checks again: not a member any more.
    await expect
      .poll(
        () =>
          mark().then(
            () => 'ok',
            (error: unknown) => String(error),
          ),
        { timeout: 5_000 },
      )
      .toMatch(/Room not found/);
    ana.close();
    ben.close();
  });

  it('invites, unread counts and kicks cross nodes', async () => {
    const ana = await signUp(server.url, 'ana6');
    const cleo = onNode2(await signUp(server.url, 'cleo6'));
    const events: string[] = [];
    const userSub = cleo.client.live.userEvents.subscribe(undefined, {
      onData: (e) => {
        if (e.type === 'room.added') events.push(`added ${e.room.id}`);
        if (e.type === 'room.removed') events.push(`removed ${e.roomId}`);
        if (e.type === 'room.activity') events.push(`activity ${e.roomId} ${e.lastPosition}`);
      },
    });
    await waitFor(() => node2.wss.clients.size > 0, 'cleo on node 2');
    await sleep(100);
    const room = await ana.client.rooms.create.mutate({ name: 'crossing', visibility: 'private' });
    await ana.client.rooms.invite.mutate({ roomId: room.id, username: cleo.user.username });
    await waitFor(() => events.includes(`added ${room.id}`), 'the invite, on node 2');
    const forCleo = collect(cleo, room.id);
    await waitFor(forCleo.started, 'cleo subscribed on node 2');
    for (let i = 0; i < 3; i++)
      await ana.client.messages.send.mutate({
        roomId: room.id,
        body: `u${i}`,
        clientId: clientId(),
      });
    await waitFor(() => events.includes(`activity ${room.id} 3`), 'the room moving on, on node 2');
    const listed = (await cleo.client.rooms.list.query()).find((r) => r.id === room.id);
    expect(listed?.unread).toBe(3);
    await ana.client.rooms.kick.mutate({ roomId: room.id, username: cleo.user.username });
    await waitFor(() => events.includes(`removed ${room.id}`), 'the kick, on node 2');
    await ana.client.messages.send.mutate({ roomId: room.id, body: 'after', clientId: clientId() });
    await sleep(300);
    expect(forCleo.created()).toEqual(['u0', 'u1', 'u2']);
    forCleo.stop();
    userSub.unsubscribe();
    ana.close();
    cleo.close();
  });

  it('revokes on node 1 a session whose socket is on node 2', async () => {
    const ana = await signUp(server.url, 'ana4');
    const anaOn2 = onNode2(ana);
    let closed = false;
    const sub = anaOn2.client.live.userEvents.subscribe(undefined, {
      onError: () => {
        closed = true;
      },
    });
    await waitFor(() => node2.wss.clients.size > 0, 'socket on node 2');
    const sockets = [...node2.wss.clients];
    const gone = Promise.all(sockets.map((s) => new Promise((r) => s.once('close', r))));
    await ana.client.auth.signOut.mutate();
    await Promise.race([
      gone,
      sleep(3_000).then(() => {
        throw new Error('socket on node 2 not closed within 3 s');
      }),
    ]);
    await waitFor(() => closed, 'the subscription on node 2 to end');
    sub.unsubscribe();
    anaOn2.close();
    ana.close();
  });

  it('rate-limits a user across both nodes together', async () => {
    // A long window, so the count does not depend on how fast a loaded machine runs.
    const limited = await startServer({
      redisUrl,
      limits: { rates: { rooms: { points: 3, seconds: 3600 } } },
    });
    const other = await limited.startSibling();
    try {
      const ana = await signUp(limited.url, 'ana5');
      const anaOn2 = connect(other.url, ana.token);
      let accepted = 0;
      const refusals: string[] = [];
      for (let i = 0; i < 6; i++) {
        const client = i % 2 === 0 ? ana.client : anaOn2.client;
        try {
          await client.rooms.create.mutate({ name: `limit ${i}`, visibility: 'private' });
          accepted++;
        } catch (error) {
          refusals.push((error as { data?: { code?: string } }).data?.code ?? String(error));
        }
      }
      // Each node alone would allow 3 of its 3; the cluster allows 3 in all.
      expect(accepted).toBe(3);
      expect(refusals).toEqual(['TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS']);
      ana.close();
      anaOn2.close();
    } finally {
      await other.close();
      await limited.close();
    }
  });
});
