/**
 * A real cluster: two node processes on PostgreSQL and Redis behind nginx (deploy/nginx.conf).
 * Besides its balanced port, the test nginx has one port per node made of the deploy file's own
 * blocks (scripts/nginx.mjs), so A reaches node 1 and B node 2 through the real proxy settings:
 * live delivery both ways, typing, presence, unread counts, invites and kicks cross nodes.
 * Last, node 1 is SIGKILLed while ten senders send 200 messages through both nodes: every
 * client reconnects through nginx to node 2 and resumes with every acknowledged message exactly
 * once, in order; presence on node 2 is right within the keep-alive window.
 */
import { randomUUID } from 'node:crypto';
import { createEmptyPostgresDb } from '@parley/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clusterSkipReason,
  type NodeProcess,
  nodeEnv,
  startNodeProcess,
  startTestNginx,
} from '../support/cluster.js';
import {
  clientId,
  collect,
  connect,
  type Person,
  shareRoom,
  signUp,
  waitFor,
} from '../support/harness.js';

const skip = clusterSkipReason();
if (skip) console.warn(`[apps/api] skipping the nginx cluster test: ${skip}`);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The node id a URL's /healthz names (cluster mode puts it there). */
async function nodeBehind(url: string): Promise<string | undefined> {
  const body = (await (await fetch(`${url}/healthz`)).json()) as { node?: string };
  return body.node;
}

describe.skipIf(skip !== null)('two node processes behind nginx', () => {
  let db: Awaited<ReturnType<typeof createEmptyPostgresDb>>;
  let node1: NodeProcess;
  let node2: NodeProcess;
  let nginx: Awaited<ReturnType<typeof startTestNginx>>;
  /** nginx's ports that reach only node 1, only node 2. */
  let via1: string;
  let via2: string;

  beforeAll(async () => {
    db = await createEmptyPostgresDb(process.env.TEST_DATABASE_URL ?? '');
    const env = nodeEnv({
      DATABASE_URL: db.url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? '',
      PARLEY_REDIS_PREFIX: `parley-test-${randomUUID().slice(0, 8)}:`,
    });
    // Migrations run once, by the first node; the second checks them.
    node1 = await startNodeProcess({ ...env, PARLEY_MIGRATE: 'auto', PARLEY_NODE_ID: 'node1' });
    node2 = await startNodeProcess({ ...env, PARLEY_NODE_ID: 'node2' });
    nginx = await startTestNginx([node1.port, node2.port], { pinned: true });
    [via1, via2] = nginx.pinnedUrls as [string, string];
  }, 120_000);

  afterAll(async () => {
    await nginx?.close();
    node1?.proc.child.kill('SIGKILL');
    await node2?.proc.stop();
    await db?.drop();
  });

  /**
   * Which nodes logged requests or socket closes made as `person` (a node logs its caller's id
   * with each): where their calls and sockets really went.
   */
  const servedBy = (person: Person) =>
    [node1, node2]
      .filter((node) =>
        node.proc
          .output()
          .split('\n')
          .some((line) => line.includes(`"userId":"${person.user.id}"`)),
      )
      .map((node) => (node === node1 ? 'node1' : 'node2'));

  /** A's calls and sockets reached node 1 only, B's node 2 only (polled: logs come late). */
  async function expectOnTheirNodes(a: Person, b: Person) {
    await expect
      .poll(() => ({ a: servedBy(a), b: servedBy(b) }), { timeout: 5_000 })
      .toEqual({ a: ['node1'], b: ['node2'] });
  }

  /** A on node 1 and B on node 2, each through nginx, sharing a room. */
  async function pair(name: string) {
    const a = await signUp(via1, `${name}_a`);
    const b = await signUp(via2, `${name}_b`);
    const room = await shareRoom(a, b, name);
    return { a, b, room };
  }

  it('spreads the balanced port over both nodes; each pinned port reaches its node', async () => {
    const seen: (string | undefined)[] = [];
    for (let i = 0; i < 6; i++) seen.push(await nodeBehind(nginx.url));
    expect(new Set(seen)).toEqual(new Set(['node1', 'node2']));
    for (let i = 0; i < 3; i++) {
      expect(await nodeBehind(via1)).toBe('node1');
      expect(await nodeBehind(via2)).toBe('node2');
    }
  });

  it('delivers live both ways between A on node 1 and B on node 2, once, in order', async () => {
    const { a, b, room } = await pair('both_ways');
    const forA = collect(a, room.id);
    const forB = collect(b, room.id);
    await waitFor(() => forA.started() && forB.started(), 'both subscribed');
    const expected: string[] = [];
    for (let i = 0; i < 10; i++) {
      const [sender, body] = i % 2 === 0 ? [a, `from a ${i}`] : [b, `from b ${i}`];
      await sender.client.messages.send.mutate({ roomId: room.id, body, clientId: clientId() });
      expected.push(body);
    }
    await waitFor(
      () => forA.created().length >= 10 && forB.created().length >= 10,
      'delivery on both nodes',
    );
    await sleep(300);
    expect(forA.created()).toEqual(expected);
    expect(forB.created()).toEqual(expected);
    expect([...forA.errors, ...forB.errors]).toEqual([]);
    forA.stop();
    forB.stop();
    a.close();
    b.close();
    await expectOnTheirNodes(a, b);
  });

  it('shows presence and typing across nodes, and members online whichever node answers', async () => {
    const { a, b, room } = await pair('activity');
    const seen: string[] = [];
    let snapshot: string[] = [];
    const sub = a.client.live.roomActivity.subscribe(
      { roomId: room.id },
      {
        onData: (e) => {
          if (e.type === 'presence.snapshot') snapshot = e.online;
          if (e.type === 'presence') seen.push(`${e.userId === b.user.id ? 'b' : '?'} ${e.online}`);
          if (e.type === 'typing') seen.push(`typing ${e.user.username} ${e.typing}`);
        },
      },
    );
    await waitFor(() => snapshot.includes(a.user.id), 'snapshot on node 1');
    expect(snapshot).not.toContain(b.user.id);
    // B's socket opens on node 2: node 1 shows B online.
    const bSub = b.client.live.userEvents.subscribe(undefined, {});
    await waitFor(() => seen.includes('b true'), 'B online, seen on node 1');
    for (const url of [via1, via2]) {
      const asker = connect(url, a.token);
      const members = await asker.client.rooms.members.query({ roomId: room.id });
      expect(members.find((m) => m.id === b.user.id)?.online).toBe(true);
      asker.close();
    }
    // Typing on node 2, refreshed through node 1 (a balancer spreads requests): A sees one
    // start, then one stop when the refreshes end and the typing window passes.
    await b.client.live.typing.mutate({ roomId: room.id });
    await waitFor(() => seen.includes(`typing ${b.user.username} true`), 'typing across nodes');
    const bOn1 = connect(via1, b.token);
    for (let i = 0; i < 4; i++) {
      await sleep(500);
      await bOn1.client.live.typing.mutate({ roomId: room.id });
    }
    bOn1.close();
    expect(seen.filter((s) => s.startsWith('typing'))).toEqual([`typing ${b.user.username} true`]);
    await waitFor(() => seen.includes(`typing ${b.user.username} false`), 'typing expires once');
    // B's only socket, on node 2, closes: node 1 shows B offline.
    bSub.unsubscribe();
    b.close();
    await waitFor(() => seen.includes('b false'), 'B offline, seen on node 1');
    const members = await a.client.rooms.members.query({ roomId: room.id });
    expect(members.find((m) => m.id === b.user.id)?.online).toBe(false);
    sub.unsubscribe();
    a.close();
  });

  it('invites, unread counts and kicks reach B on node 2 live from A on node 1', async () => {
    const a = await signUp(via1, 'crossing_a');
    const b = await signUp(via2, 'crossing_b');
    const events: string[] = [];
    let listening = false;
    const userSub = b.client.live.userEvents.subscribe(undefined, {
      onStarted: () => {
        listening = true;
      },
      onData: (e) => {
        if (e.type === 'room.added') events.push(`added ${e.room.id}`);
        if (e.type === 'room.removed') events.push(`removed ${e.roomId}`);
        if (e.type === 'room.activity') events.push(`activity ${e.roomId} ${e.lastPosition}`);
      },
    });
    await waitFor(() => listening, 'B listening on node 2');
    await sleep(200);
    const room = await a.client.rooms.create.mutate({ name: 'crossing', visibility: 'private' });
    await a.client.rooms.invite.mutate({ roomId: room.id, username: b.user.username });
    await waitFor(() => events.includes(`added ${room.id}`), 'the invite, live on node 2');
    const forB = collect(b, room.id);
    await waitFor(forB.started, 'B subscribed on node 2');
    for (let i = 0; i < 3; i++)
      await a.client.messages.send.mutate({ roomId: room.id, body: `u${i}`, clientId: clientId() });
    await waitFor(() => events.includes(`activity ${room.id} 3`), 'the room moving on, on node 2');
    await waitFor(() => forB.created().length >= 3, 'the messages, live on node 2');
    const listed = (await b.client.rooms.list.query()).find((r) => r.id === room.id);
    expect(listed?.unread).toBe(3);
    await b.client.rooms.markRead.mutate({ roomId: room.id, position: 2 });
    const reread = (await b.client.rooms.list.query()).find((r) => r.id === room.id);
    expect(reread?.unread).toBe(1);

    await a.client.rooms.kick.mutate({ roomId: room.id, username: b.user.username });
    await waitFor(() => events.includes(`removed ${room.id}`), 'the kick, live on node 2');
    await a.client.messages.send.mutate({ roomId: room.id, body: 'after', clientId: clientId() });
    await sleep(300);
    expect(forB.created()).toEqual(['u0', 'u1', 'u2']);
    expect((await b.client.rooms.list.query()).map((r) => r.id)).not.toContain(room.id);
    await expect(b.client.messages.history.query({ roomId: room.id })).rejects.toThrow(
      /Room not found/,
    );
    await expect(
      b.client.messages.send.mutate({ roomId: room.id, body: 'still here?', clientId: clientId() }),
    ).rejects.toThrow(/Room not found/);
    const history = await a.client.messages.history.query({ roomId: room.id });
    expect(history.items.map((m) => m.body)).not.toContain('still here?');
    forB.stop();
    userSub.unsubscribe();
    a.close();
    b.close();
    await expectOnTheirNodes(a, b);
  });

  it('loses and doubles nothing when node 1 is killed mid-traffic; presence follows', async () => {
    const url = nginx.url;
    const senders: Person[] = [];
    for (let i = 0; i < 10; i++) senders.push(await signUp(url, `sender${i}`));
    const watchers: Person[] = [];
    for (let i = 0; i < 6; i++) watchers.push(await signUp(url, `watcher${i}`));
    const owner = senders[0] as Person;
    const room = await owner.client.rooms.create.mutate({
      name: 'failover',
      visibility: 'private',
    });
    for (const p of [...senders.slice(1), ...watchers])
      await owner.client.rooms.invite.mutate({ roomId: room.id, username: p.user.username });

    // Watchers subscribe through nginx: round robin puts some on each node.
    const feeds = watchers.map((w) => collect(w, room.id));
    await waitFor(() => feeds.every((f) => f.started()), 'watchers subscribed', 20_000);
    const opensOnNode1 = (node1.proc.output().match(/ws open/g) ?? []).length;
    expect(opensOnNode1).toBeGreaterThan(0);

    // A client that reaches node 1 directly (not through nginx) cannot reconnect anywhere:
    // killed with node 1, it must be shown offline within the keep-alive window.
    const ghost = await signUp(url, 'ghost');
    await owner.client.rooms.invite.mutate({ roomId: room.id, username: ghost.user.username });
    const ghostDirect = connect(node1.url, ghost.token);
    const ghostSub = ghostDirect.client.live.userEvents.subscribe(undefined, {});
    const online = async () => {
      const members = await owner.client.rooms.members.query({ roomId: room.id });
      return new Set(members.filter((m) => m.online).map((m) => m.id));
    };
    let now = new Set<string>();
    for (let i = 0; i < 50 && !now.has(ghost.user.id); i++) {
      now = await online();
      await sleep(100);
    }
    expect(now.has(ghost.user.id)).toBe(true);

    // Ten senders, twenty messages each, through nginx; a failed send is retried with the
    // same clientId until acknowledged (the server makes the retry idempotent).
    const acked: { id: string; position: number }[] = [];
    let killedAt = -1;
    const send = async (sender: Person, i: number) => {
      const id = clientId();
      for (;;) {
        try {
          const message = await sender.client.messages.send.mutate({
            roomId: room.id,
            body: `${sender.user.username} ${i}`,
            clientId: id,
          });
          acked.push({ id: message.id, position: message.position });
          if (acked.length === 60 && killedAt < 0) {
            killedAt = acked.length;
            node1.proc.child.kill('SIGKILL');
          }
          return;
        } catch {
          await sleep(100);
        }
      }
    };
    await Promise.all(
      senders.map(async (sender) => {
        for (let i = 0; i < 20; i++) await send(sender, i);
      }),
    );
    expect(killedAt).toBe(60);
    expect(acked).toHaveLength(200);
    const expected = [...acked].sort((a, b) => a.position - b.position).map((a) => a.id);
    expect(new Set(expected).size).toBe(200);

    for (const [i, feed] of feeds.entries()) {
      await waitFor(
        () => feed.events.filter((e) => e.type === 'message.created').length >= 200,
        `watcher ${i} to have all 200`,
        30_000,
      );
    }
    await sleep(500);
    for (const feed of feeds) {
      const created = feed.events.filter((e) => e.type === 'message.created');
      expect(created.map((e) => e.message.id)).toEqual(expected);
      const positions = feed.positions();
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(new Set(positions).size).toBe(positions.length);
      expect(feed.errors).toEqual([]);
    }

    // Every watcher is on node 2 now and online; the ghost, whose node died, goes offline
    // within the keep-alive window plus a few seconds (heartbeat entries lapse, a sweep).
    const deadline = Date.now() + 1_000 + 10_000;
    now = await online();
    while (now.has(ghost.user.id) && Date.now() < deadline) {
      await sleep(200);
      now = await online();
    }
    expect(now.has(ghost.user.id)).toBe(false);
    for (const w of watchers) expect(now.has(w.user.id)).toBe(true);

    ghostSub.unsubscribe();
    ghostDirect.close();
    for (const feed of feeds) feed.stop();
    for (const p of [...senders, ...watchers, ghost]) p.close();
  }, 120_000);
});
