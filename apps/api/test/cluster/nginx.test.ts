/**
 * A real cluster: two node processes on PostgreSQL and Redis behind nginx (deploy/nginx.conf).
 * Node 1 is SIGKILLed while ten senders send 200 messages through both nodes: every client
 * reconnects through nginx to node 2 and resumes with every acknowledged message exactly once,
 * in order; presence on node 2 is right within the keep-alive window.
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
import { clientId, collect, connect, type Person, signUp, waitFor } from '../support/harness.js';

const skip = clusterSkipReason();
if (skip) console.warn(`[apps/api] skipping the nginx cluster test: ${skip}`);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe.skipIf(skip !== null)('two node processes behind nginx', () => {
  let db: Awaited<ReturnType<typeof createEmptyPostgresDb>>;
  let node1: NodeProcess;
  let node2: NodeProcess;
  let nginx: Awaited<ReturnType<typeof startTestNginx>>;

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
    nginx = await startTestNginx([node1.port, node2.port]);
  }, 120_000);

  afterAll(async () => {
    await nginx?.close();
    node1?.proc.child.kill('SIGKILL');
    await node2?.proc.stop();
    await db?.drop();
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
