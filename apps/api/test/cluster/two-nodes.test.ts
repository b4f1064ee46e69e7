/**
 * Two nodes in one process on one database and one Redis (cluster mode), for what needs a
 * hand inside a node: the seam race (a SUBSCRIBE acknowledged late) loses nothing, an event is
 * encoded once per publish, read marks, revocation and rate limits cross nodes. Delivery,
 * presence, typing, unread counts, invites and kicks between two node processes through nginx
 * are in nginx.test.ts.
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
    server = await startServer({ redisUrl });
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

  it('limits sends per user across both nodes together (no N× the send rate)', async () => {
    // No sustained rate, a burst of 3 per 10 s: the count does not depend on the machine's speed.
    const limited = await startServer({ redisUrl, sendRatePerSecond: 0, sendBurst: 3 });
    const other = await limited.startSibling();
    try {
      const ana = await signUp(limited.url, 'ana8');
      const anaOn2 = connect(other.url, ana.token);
      const room = await ana.client.rooms.create.mutate({ name: 'sends', visibility: 'private' });
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 === 0 ? ana : anaOn2).client.messages.send
            .mutate({ roomId: room.id, body: `s${i}`, clientId: clientId() })
            .then(
              () => 'ok',
              (error: { data?: { code?: string } }) => error.data?.code ?? String(error),
            ),
        ),
      );
      // Each node alone would accept 3 of its 4; the cluster accepts 3 in all.
      expect(results.filter((r) => r === 'ok')).toHaveLength(3);
      expect(results.filter((r) => r !== 'ok')).toEqual(Array(5).fill('TOO_MANY_REQUESTS'));
      const history = await ana.client.messages.history.query({ roomId: room.id });
      expect(history.items).toHaveLength(3);
      ana.close();
      anaOn2.close();
    } finally {
      await other.close();
      await limited.close();
    }
  });
});
