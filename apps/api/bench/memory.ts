/**
 * `pnpm --filter @parley/api bench:memory`: the server's JS heap per subscribed connection,
 * measured as `pnpm bench` measures it (heap after full collections, before and after the
 * subscribers connect and a warm-up message reached them all) but without the load steps,
 * and optionally with heap snapshots to diff. Memory does not depend on the machine's load.
 *
 * Knobs: SUBSCRIBERS (500), BENCH_TARGET (parley-postgres | parley-pglite | parley-cluster |
 * socketio | ws), BENCH_SNAPSHOTS=<dir> (writes before.heapsnapshot and after.heapsnapshot
 * there; `tsx bench/heap-diff.ts before after 500` ranks what each connection added),
 * BENCH_SUBSCRIBE=0 (Parley: authenticated sockets that made one query and hold no
 * subscription, to tell what a socket costs from what its subscription costs; with
 * BENCH_SETTLE_MS=3000, since right after the queries up to 9 KiB per socket is still in
 * flight and the figure swings between 11 and 20 KiB).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type BroadcastOptions, startTarget, type Target } from './broadcast.js';
import { startSubscribers } from './processes.js';
import { connectSenders, offer, type ServerKind } from './senders.js';
import type { Seeded } from './server.js';
import { makeBody, now, TrpcSocket } from './wire.js';

const subscribers = Number(process.env.SUBSCRIBERS || 500);
const target = (process.env.BENCH_TARGET || 'parley-postgres') as Target;
const snapshots = process.env.BENCH_SNAPSHOTS;
const subscribe = process.env.BENCH_SUBSCRIBE !== '0';
const options: BroadcastOptions = {
  subscribers,
  senders: 1,
  startRate: 1,
  stepFactor: 1,
  maxSteps: 1,
  stepMs: 1000,
  drainMs: 1000,
  bodyLength: 140,
  postgresUrl:
    process.env.BENCH_POSTGRES_URL ||
    process.env.TEST_DATABASE_URL ||
    'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.BENCH_REDIS_URL || process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379',
};

const kind: ServerKind = target.startsWith('parley') ? 'parley' : (target as ServerKind);
const { servers, cleanup } = await startTarget(target, options);
try {
  const first = servers[0];
  if (!first) throw new Error('no server');
  let parley: { tokens: string[]; roomId: string } | undefined;
  let tokens: string[] = [];
  if (kind === 'parley') {
    const seeded = await first.request<Seeded>({
      type: 'seed',
      spec: {
        users: subscribers + 1,
        rooms: [
          {
            name: 'bench',
            members: Array.from({ length: subscribers + 1 }, (_, i) => i),
          },
        ],
      },
    });
    tokens = seeded.users.map((u) => u.token);
    parley = {
      tokens: tokens.slice(subscribers),
      roomId: seeded.rooms[0]?.id ?? '',
    };
  }
  const senders = await connectSenders(kind, first.port, 1, parley);
  /** Outside the JS heap: Buffer memory (ArrayBuffer backing stores), at each measurement. */
  const buffers: number[] = [];
  const buffersPer = () =>
    `, Buffer memory outside the heap ${(((buffers.at(-1) ?? 0) - (buffers.at(0) ?? 0)) / subscribers / 1024).toFixed(2)} KiB`;
  const heap = async (name: string) => {
    if (snapshots) {
      await Promise.all(
        servers.map((s, i) =>
          s.request({ type: 'snapshot', path: `${snapshots}/${name}${i || ''}.heapsnapshot` }),
        ),
      );
    }
    const all = await Promise.all(
      servers.map((s) => s.request<{ heapUsed: number; arrayBuffers: number }>({ type: 'memory' })),
    );
    buffers.push(all.reduce((a, m) => a + m.arrayBuffers, 0));
    return all.reduce((a, m) => a + m.heapUsed, 0);
  };
  const before = await heap('before');
  if (!subscribe) {
    if (!parley) throw new Error('BENCH_SUBSCRIBE=0 is for Parley');
    const sockets = tokens
      .slice(0, subscribers)
      .map((token) => new TrpcSocket(`ws://127.0.0.1:${first.port}/trpc`, token));
    await Promise.all(sockets.map((s) => s.opened));
    const answers = await Promise.all(sockets.map((s) => s.call('query', 'auth.me', undefined)));
    if (!answers.every((a) => a.ok)) throw new Error('auth.me failed');
    await sleep(Number(process.env.BENCH_SETTLE_MS || 0));
    const after = await heap('after');
    console.log(
      `${target}: ${subscribers} authenticated sockets (one query, no subscription), ${((after - before) / subscribers / 1024).toFixed(2)} KiB per socket${buffersPer()}`,
    );
    for (const s of sockets) s.close();
  } else await subscribed(before);
  for (const s of senders) s.close();

  async function subscribed(before: number) {
    const groups = await Promise.all(
      servers.map((s, j) => {
        const mine = Array.from({ length: subscribers }, (_, i) => i).filter(
          (i) => i % servers.length === j,
        );
        return startSubscribers({
          type: 'start',
          server: kind,
          url: `ws://127.0.0.1:${s.port}`,
          count: mine.length,
          roomId: parley?.roomId,
          tokens: kind === 'parley' ? mine.map((i) => tokens[i] ?? '') : [],
        });
      }),
    );
    // One message reaches everyone: every subscription is live (as after the bench's warm-up).
    const warmUp = offer(senders, 1, 1, (at) => makeBody(0, at, 140), 'w', now);
    await warmUp.done;
    const deadline = Date.now() + 60_000;
    const counted = async () =>
      (await Promise.all(groups.map((g) => g.count(0)))).reduce((a, b) => a + b, 0);
    while ((await counted()) < subscribers) {
      if (Date.now() > deadline) throw new Error('the warm-up message did not reach everyone');
      await sleep(50);
    }
    const after = await heap('after');
    console.log(
      `${target}: ${subscribers} subscribed connections, server heap ${(before / 2 ** 20).toFixed(1)} → ${(after / 2 ** 20).toFixed(1)} MiB, ${((after - before) / subscribers / 1024).toFixed(2)} KiB per connection${buffersPer()}${snapshots ? ` (snapshots in ${snapshots})` : ''}`,
    );
    for (const g of groups) await g.stop();
  }
} finally {
  await cleanup();
}
