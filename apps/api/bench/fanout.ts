/**
 * `pnpm bench`: fan-out of one room's messages to many WebSocket subscribers.
 *
 * Parley (a tRPC subscription per client, bus fan-out, real database writes) against a
 * baseline measured in the same run on the same machine: a bare `ws` server broadcasting
 * payloads of the same shape to the same number of sockets, the floor any design on `ws`
 * pays. The subscribers run in a child process (bench/subscribers.ts), so the server-side
 * memory figures are the server's alone.
 *
 *   SUBSCRIBERS=500 MESSAGES=100 pnpm bench
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createTestDb } from '@parley/db/testing';
import { createTRPCClient, httpLink } from '@trpc/client';
import { WebSocketServer } from 'ws';
import { createApp } from '../src/app.js';
import { sendMessage } from '../src/messages/service.js';
import type { AppRouter } from '../src/router.js';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 500);
const MESSAGES = Number(process.env.MESSAGES ?? 100);
const BODY = 'The quick brown fox jumps over the lazy dog. '.repeat(3);
const now = () => performance.timeOrigin + performance.now();

interface Result {
  deliveriesPerSecond: number;
  p50: number;
  p99: number;
  kibPerConnection: number;
}

/**
 * The server's JS heap after a full collection. (Not `external`: it includes buffers, such
 * as scrypt's 32 MiB, that native finalizers release at their own pace.)
 */
async function serverMemory(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage().heapUsed;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function until(predicate: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('benchmark timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function subscribers(env: Record<string, string>) {
  const child: ChildProcess = fork(fileURLToPath(new URL('subscribers.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      ...env,
      SUBSCRIBERS: String(SUBSCRIBERS),
      EXPECTED: String(SUBSCRIBERS * MESSAGES),
    },
  });
  let onReady: () => void = () => {};
  let onDone: (latencies: number[]) => void = () => {};
  const ready = new Promise<void>((r) => {
    onReady = r;
  });
  const done = new Promise<number[]>((r) => {
    onDone = r;
  });
  child.on('message', (m: { type: string; latencies?: number[] }) => {
    if (m.type === 'ready') onReady();
    if (m.type === 'done') onDone(m.latencies ?? []);
  });
  return { ready, done, stop: () => child.send('exit') };
}

/** Sends MESSAGES times and returns the figures once every delivery has arrived. */
async function measure(
  subs: ReturnType<typeof subscribers>,
  memoryBefore: number,
  sendOne: (i: number) => Promise<void>,
): Promise<Result> {
  const kibPerConnection = ((await serverMemory()) - memoryBefore) / SUBSCRIBERS / 1024;
  const started = now();
  for (let i = 0; i < MESSAGES; i++) {
    await sendOne(i);
    await new Promise((r) => setImmediate(r));
  }
  const latencies = (await subs.done).sort((a, b) => a - b);
  const elapsed = now() - started;
  subs.stop();
  return {
    deliveriesPerSecond: latencies.length / (elapsed / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    kibPerConnection,
  };
}

async function baseline(): Promise<Result> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise((r) => wss.once('listening', r));
  const { port } = wss.address() as AddressInfo;
  const before = await serverMemory();
  const subs = subscribers({ MODE: 'baseline', URL: `ws://127.0.0.1:${port}` });
  await subs.ready;
  await until(() => wss.clients.size === SUBSCRIBERS);
  const result = await measure(subs, before, async (i) => {
    // The same envelope shape tRPC sends, built per subscriber as tRPC does.
    const event = { type: 'message.created', position: i, body: BODY, sentAt: now() };
    for (const client of wss.clients) {
      client.send(
        JSON.stringify({
          id: 1,
          result: { type: 'data', id: String(i), data: { id: String(i), data: event } },
        }),
      );
    }
  });
  for (const client of wss.clients) client.terminate();
  await new Promise((r) => wss.close(r));
  return result;
}

async function parley(): Promise<Result> {
  const db = await createTestDb();
  const app = await createApp({
    db,
    env: {},
    config: {
      port: 0,
      host: '127.0.0.1',
      secret: randomUUID() + randomUUID(),
      logLevel: 'silent',
      webDist: undefined,
    },
  });
  const anon = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${app.url}/trpc` })] });
  const owner = await anon.auth.signUp.mutate({ username: 'bench_owner', password: 'benchmark!' });
  const api = createTRPCClient<AppRouter>({
    links: [
      httpLink({ url: `${app.url}/trpc`, headers: { Authorization: `Bearer ${owner.token}` } }),
    ],
  });
  const room = await api.rooms.create.mutate({ name: 'bench', visibility: 'public' });
  const listening = app.deps.bus.listenerCount();
  const before = await serverMemory();
  // Every subscriber uses the owner's token: fan-out cost does not depend on who listens.
  const subs = subscribers({
    MODE: 'parley',
    URL: `${app.url.replace('http', 'ws')}/trpc`,
    TOKEN: owner.token,
    ROOM: room.id,
  });
  await subs.ready;
  await until(() => app.deps.bus.listenerCount() >= listening + 2 * SUBSCRIBERS);
  // Straight through the send path (no HTTP, no rate limit): the cost measured is fan-out.
  const result = await measure(subs, before, async (i) => {
    const sent = await sendMessage(app.deps, owner.user.id, {
      roomId: room.id,
      body: `${now()} ${BODY}`,
      clientId: `bench-${i}`,
    });
    if (!sent.ok) throw new Error(sent.message);
  });
  await app.close();
  await db.close();
  return result;
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });
const line = (name: string, r: Result) =>
  `${name}: ${fmt(r.deliveriesPerSecond)} deliveries/s, p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms, ${fmt(r.kibPerConnection)} KiB server heap per connection`;

console.log(
  `fan-out: ${SUBSCRIBERS} subscribers × ${MESSAGES} messages, one room; subscribers in a child process`,
);
const base = await baseline();
console.log(line('baseline (bare ws broadcast)', base));
const ours = await parley();
console.log(line('parley (tRPC + bus + database)', ours));
console.log(
  `ratio parley/baseline: throughput ${(ours.deliveriesPerSecond / base.deliveriesPerSecond).toFixed(2)}×, p99 ${(ours.p99 / base.p99).toFixed(2)}×, memory per connection ${(ours.kibPerConnection / base.kibPerConnection).toFixed(2)}×`,
);
process.exit(0);
