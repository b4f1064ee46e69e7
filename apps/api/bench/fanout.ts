/**
 * `pnpm bench`: fan-out of one room's messages to many WebSocket subscribers.
 *
 * Parley (tRPC subscription per client, bus fan-out, real database writes) against a
 * baseline measured in the same run on the same machine: a bare `ws` server broadcasting the
 * same payloads to the same number of sockets — the floor any design on `ws` pays.
 *
 *   SUBSCRIBERS=500 MESSAGES=100 pnpm bench
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createTestDb } from '@parley/db/testing';
import { createTRPCClient, createWSClient, httpLink, wsLink } from '@trpc/client';
import WebSocket, { WebSocketServer } from 'ws';
import { createApp } from '../src/app.js';
import { sendMessage } from '../src/messages/service.js';
import type { AppRouter } from '../src/router.js';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 500);
const MESSAGES = Number(process.env.MESSAGES ?? 100);
const BODY = 'The quick brown fox jumps over the lazy dog. '.repeat(3);

interface Result {
  deliveriesPerSecond: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function summarise(latencies: number[], elapsedMs: number): Result {
  latencies.sort((a, b) => a - b);
  return {
    deliveriesPerSecond: latencies.length / (elapsedMs / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function until(predicate: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('benchmark timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function baseline(): Promise<Result> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise((r) => wss.once('listening', r));
  const { port } = wss.address() as AddressInfo;
  const latencies: number[] = [];
  const sockets = await Promise.all(
    Array.from({ length: SUBSCRIBERS }, () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
      ws.on('message', (data) => {
        const { sentAt } = JSON.parse(String(data)) as { sentAt: number };
        latencies.push(performance.now() - sentAt);
      });
      return new Promise<WebSocket>((r) => ws.once('open', () => r(ws)));
    }),
  );
  await until(() => wss.clients.size === SUBSCRIBERS);
  const started = performance.now();
  for (let i = 0; i < MESSAGES; i++) {
    const payload = JSON.stringify({
      id: 1,
      result: { type: 'data', data: { id: String(i), data: { body: BODY, sentAt: 0 } } },
      sentAt: performance.now(),
    });
    for (const client of wss.clients) client.send(payload);
    await new Promise((r) => setImmediate(r));
  }
  await until(() => latencies.length === SUBSCRIBERS * MESSAGES);
  const result = summarise(latencies, performance.now() - started);
  for (const s of sockets) s.terminate();
  await new Promise((r) => wss.close(r));
  return result;
}

async function parley(): Promise<Result & { heapPerSubscriberKiB: number }> {
  const db = await createTestDb();
  const app = await createApp({
    db,
    env: {},
    config: {
      port: 0,
      host: '127.0.0.1',
      secret: randomUUID() + randomUUID(),
      logLevel: 'silent',
      sendRatePerSecond: 1_000_000,
      sendBurst: 1_000_000,
    },
  });
  const anon = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${app.url}/trpc` })] });
  const owner = await anon.auth.signUp.mutate({ username: 'bench_owner', password: 'benchmark!' });
  const room = await createTRPCClient<AppRouter>({
    links: [
      httpLink({ url: `${app.url}/trpc`, headers: { Authorization: `Bearer ${owner.token}` } }),
    ],
  }).rooms.create.mutate({ name: 'bench', visibility: 'public' });

  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const latencies: number[] = [];
  const sentAt = new Map<string, number>();
  const clients: Array<ReturnType<typeof createWSClient>> = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    // Every subscriber uses the owner's token: fan-out cost does not depend on who listens.
    const wsClient = createWSClient({
      url: `${app.url.replace('http', 'ws')}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: { token: owner.token },
    });
    clients.push(wsClient);
    const client = createTRPCClient<AppRouter>({
      links: [wsLink({ client: wsClient })],
    });
    client.live.roomEvents.subscribe(
      { roomId: room.id },
      {
        onData: ({ data }) => {
          latencies.push(performance.now() - (sentAt.get(data.message.clientId) ?? Number.NaN));
        },
      },
    );
  }
  await until(() => app.deps.bus.listenerCount() >= SUBSCRIBERS * 2);
  global.gc?.();
  const heapPerSubscriberKiB = (process.memoryUsage().heapUsed - heapBefore) / SUBSCRIBERS / 1024;

  const started = performance.now();
  for (let i = 0; i < MESSAGES; i++) {
    const clientId = `bench-${i}`;
    sentAt.set(clientId, performance.now());
    await sendMessage(app.deps, owner.user.id, { roomId: room.id, body: BODY, clientId });
    await new Promise((r) => setImmediate(r));
  }
  await until(() => latencies.length === SUBSCRIBERS * MESSAGES);
  const result = summarise(latencies, performance.now() - started);
  for (const c of clients) await c.close();
  await app.close();
  await db.close();
  return { ...result, heapPerSubscriberKiB };
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

console.log(`fan-out: ${SUBSCRIBERS} subscribers × ${MESSAGES} messages, one room`);
const base = await baseline();
console.log(
  `baseline (bare ws broadcast): ${fmt(base.deliveriesPerSecond)} deliveries/s, p50 ${fmt(base.p50)} ms, p99 ${fmt(base.p99)} ms`,
);
const ours = await parley();
console.log(
  `parley (tRPC + bus + database): ${fmt(ours.deliveriesPerSecond)} deliveries/s, p50 ${fmt(ours.p50)} ms, p99 ${fmt(ours.p99)} ms, ~${fmt(ours.heapPerSubscriberKiB)} KiB heap per subscriber (client and server in one process)`,
);
console.log(
  `ratio parley/baseline: throughput ${(ours.deliveriesPerSecond / base.deliveriesPerSecond).toFixed(2)}×, p99 latency ${(ours.p99 / base.p99).toFixed(2)}×`,
);
process.exit(0);
