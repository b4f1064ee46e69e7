/**
 * A node dies (SIGKILL) while it holds the only timer of someone's typing: another node still
 * announces "stopped typing", once, within the typing window plus a few seconds (the typing
 * deadlines are in Redis and every node sweeps them; cluster/typing-store.ts).
 */
import { randomUUID } from 'node:crypto';
import { createEmptyPostgresDb } from '@parley/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProcess, nodeEnv, startNodeProcess } from '../support/cluster.js';
import { connect, shareRoom, signUp, waitFor } from '../support/harness.js';

const skip = !process.env.TEST_DATABASE_URL
  ? 'no TEST_DATABASE_URL'
  : !process.env.TEST_REDIS_URL
    ? 'no TEST_REDIS_URL'
    : null;
if (skip) console.warn(`[apps/api] skipping the node-death cluster test: ${skip}`);

/** The typing window of a node process (config.ts typingTtlMs). */
const TYPING_TTL_MS = 5_000;

describe.skipIf(skip !== null)('a node killed while someone is typing through it', () => {
  let db: Awaited<ReturnType<typeof createEmptyPostgresDb>>;
  let node1: NodeProcess;
  let node2: NodeProcess;

  beforeAll(async () => {
    db = await createEmptyPostgresDb(process.env.TEST_DATABASE_URL ?? '');
    const env = nodeEnv({
      DATABASE_URL: db.url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? '',
      PARLEY_REDIS_PREFIX: `parley-test-${randomUUID().slice(0, 8)}:`,
    });
    node1 = await startNodeProcess({ ...env, PARLEY_MIGRATE: 'auto', PARLEY_NODE_ID: 'node1' });
    node2 = await startNodeProcess({ ...env, PARLEY_NODE_ID: 'node2' });
  }, 120_000);

  afterAll(async () => {
    node1?.proc.child.kill('SIGKILL');
    await node2?.proc.stop();
    await db?.drop();
  });

  it('shows the typer stopped, once, within the typing window plus a few seconds', async () => {
    const ana = await signUp(node2.url, 'ana');
    const ben = await signUp(node2.url, 'ben');
    const room = await shareRoom(ana, ben, 'typing');
    const benOn1 = connect(node1.url, ben.token);
    const seen: Array<{ typing: boolean; at: number }> = [];
    let subscribed = false;
    const sub = ana.client.live.roomActivity.subscribe(
      { roomId: room.id },
      {
        onStarted: () => {
          subscribed = true;
        },
        onData: (e) => {
          if (e.type === 'typing' && e.user.id === ben.user.id)
            seen.push({ typing: e.typing, at: Date.now() });
        },
      },
    );
    await waitFor(() => subscribed, 'ana watching on node 2');
    // Ben types through node 1 only: node 1 holds the one timer that would end it.
    await benOn1.client.live.typing.mutate({ roomId: room.id });
    const typedAt = Date.now();
    await waitFor(() => seen.some((s) => s.typing), 'ben typing, seen on node 2');
    node1.proc.child.kill('SIGKILL');
    await waitFor(
      () => seen.some((s) => !s.typing),
      'ben stopped typing, seen on node 2',
      TYPING_TTL_MS + 5_000,
    );
    const stopped = seen.find((s) => !s.typing)?.at ?? 0;
    expect(stopped - typedAt).toBeGreaterThanOrEqual(TYPING_TTL_MS - 100);
    expect(stopped - typedAt).toBeLessThan(TYPING_TTL_MS + 3_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(seen.map((s) => s.typing)).toEqual([true, false]);
    sub.unsubscribe();
    benOn1.close();
    ana.close();
    ben.close();
  }, 60_000);
});
