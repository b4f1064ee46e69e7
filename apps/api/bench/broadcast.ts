/**
 * Scenario "broadcast": one room, N subscribers, senders offering messages at a rate that
 * steps up past saturation; the same for Parley (PostgreSQL, PGlite) and the baselines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEmptyPostgresDb } from '@parley/db/testing';
import { type BenchServer, type Subscribers, startServer, startSubscribers } from './processes.js';
import { connectSenders, offer, type ServerKind } from './senders.js';
import type { Seeded } from './server.js';
import type { StepStats } from './subscribers.js';
import { makeBody, now, percentile } from './wire.js';

export interface BroadcastOptions {
  subscribers: number;
  senders: number;
  startRate: number;
  stepFactor: number;
  maxSteps: number;
  stepMs: number;
  drainMs: number;
  bodyLength: number;
  /** The PostgreSQL server on which a fresh database is made for Parley. */
  postgresUrl: string;
  /** The Redis of the two-node run. */
  redisUrl: string;
}

export type Target = 'ws' | 'socketio' | 'parley-postgres' | 'parley-pglite' | 'parley-cluster';

export const TARGET_NAMES: Record<Target, string> = {
  ws: 'bare ws broadcast',
  socketio: 'Socket.IO 4.8 room',
  'parley-postgres': 'Parley on PostgreSQL',
  'parley-pglite': 'Parley on PGlite',
  'parley-cluster': 'Parley, 2 nodes+Redis',
};

export interface StepResult {
  /** Messages offered per second, and the deliveries that would make (× subscribers). */
  offeredRate: number;
  offeredDeliveries: number;
  deliveredPerSecond: number;
  p50: number;
  p99: number;
  sent: number;
  accepted: number;
  refused: Record<string, number>;
  ackP99: number;
  /** The server process's CPU time per delivery (µs), and database statements per message sent. */
  cpuPerDelivery: number;
  statementsPerMessage: number | null;
  /** Every offered message reached every subscriber within the drain. */
  allDelivered: boolean;
  ok: boolean;
}

export interface TargetResult {
  target: Target;
  steps: StepResult[];
  kibPerConnection: number;
  frameBytes: number;
  duplicates: number;
  gaps: number;
  reconnects: number;
  /** Best delivered/s among steps with p99 < 100 ms and everything delivered. */
  sustained: number;
  peak: number;
  /** The offered rate that saturated (first failure after the last pass), and the step at twice it. */
  saturatedAt: number | null;
  atDouble: StepResult | null;
}

const P99_LIMIT_MS = 100;

interface Usage {
  cpuMicros: number;
  statements: number;
}

async function parleyServer(
  target: 'parley-postgres' | 'parley-pglite' | 'parley-cluster',
  options: BroadcastOptions,
): Promise<{ servers: BenchServer[]; cleanup: () => Promise<void> }> {
  const env: Record<string, string> = {
    BENCH_SERVER: 'parley',
    PORT: '0',
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    PARLEY_SECRET: `${crypto.randomUUID()}${crypto.randomUUID()}`,
    LOG_LEVEL: 'warn',
    // The bench's senders send far more than a person: lift the per-user limit.
    PARLEY_SEND_RATE: '100000',
    PARLEY_SEND_BURST: '100000',
  };
  if (target === 'parley-postgres') {
    const db = await createEmptyPostgresDb(options.postgresUrl);
    const server = await startServer({ ...env, DATABASE_URL: db.url });
    return {
      servers: [server],
      cleanup: async () => {
        await server.stop();
        await db.drop();
      },
    };
  }
  if (target === 'parley-cluster') {
    // Two nodes on one database and one Redis (the first migrates it).
    const db = await createEmptyPostgresDb(options.postgresUrl);
    const cluster = {
      ...env,
      DATABASE_URL: db.url,
      REDIS_URL: options.redisUrl,
      PARLEY_REDIS_PREFIX: `parley-bench-${crypto.randomUUID().slice(0, 8)}:`,
    };
    const first = await startServer(cluster);
    const second = await startServer(cluster);
    return {
      servers: [first, second],
      cleanup: async () => {
        await Promise.all([first.stop(), second.stop()]);
        await db.drop();
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-bench-'));
  const server = await startServer({ ...env, PARLEY_DATA_DIR: dir });
  return {
    servers: [server],
    cleanup: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startTarget(target: Target, options: BroadcastOptions) {
  if (target === 'parley-postgres' || target === 'parley-pglite' || target === 'parley-cluster') {
    return parleyServer(target, options);
  }
  const server = await startServer({ BENCH_SERVER: target });
  return { servers: [server], cleanup: () => server.stop() };
}

function summarise(
  target: Target,
  steps: StepResult[],
): Omit<TargetResult, 'kibPerConnection' | 'frameBytes' | 'duplicates' | 'gaps' | 'reconnects'> {
  const sustained = Math.max(0, ...steps.filter((s) => s.ok).map((s) => s.deliveredPerSecond));
  const peak = Math.max(0, ...steps.map((s) => s.deliveredPerSecond));
  // Saturated: the first failing step after the last one that passed (an early failure
  // followed by passing steps was noise).
  const lastOk = steps.findLastIndex((s) => s.ok);
  const saturated = steps.slice(lastOk + 1).find((s) => !s.ok);
  const atDouble = saturated
    ? (steps.find((s) => s.offeredRate >= 2 * saturated.offeredRate * 0.99) ?? null)
    : null;
  return {
    target,
    steps,
    sustained,
    peak,
    saturatedAt: saturated?.offeredRate ?? null,
    atDouble,
  };
}

export async function runBroadcast(
  target: Target,
  options: BroadcastOptions,
  log: (line: string) => void,
): Promise<TargetResult> {
  const kind: ServerKind = target.startsWith('parley') ? 'parley' : (target as ServerKind);
  const { servers, cleanup } = await startTarget(target, options);
  const server = servers[0] as BenchServer;
  const closers: Array<() => unknown> = [];
  /** Splits `items` into one share per server (subscribers and senders on every node). */
  const share = <T>(items: T[], j: number) => items.filter((_, i) => i % servers.length === j);
  const usageOfAll = async (): Promise<Usage> => {
    const all = await Promise.all(servers.map((s) => s.request<Usage>({ type: 'usage' })));
    return {
      cpuMicros: all.reduce((a, u) => a + u.cpuMicros, 0),
      statements: all.reduce((a, u) => a + u.statements, 0),
    };
  };
  const heapOfAll = async () =>
    (
      await Promise.all(servers.map((s) => s.request<{ heapUsed: number }>({ type: 'memory' })))
    ).reduce((a, m) => a + m.heapUsed, 0);
  try {
    let parley: { tokens: string[]; roomId: string } | undefined;
    let subscriberTokens: string[] = [];
    if (kind === 'parley') {
      const total = options.subscribers + options.senders;
      const seeded = await server.request<Seeded>({
        type: 'seed',
        spec: {
          users: total,
          rooms: [{ name: 'bench', members: Array.from({ length: total }, (_, i) => i) }],
        },
      });
      const tokens = seeded.users.map((u) => u.token);
      parley = { tokens: tokens.slice(options.subscribers), roomId: seeded.rooms[0]?.id ?? '' };
      subscriberTokens = tokens.slice(0, options.subscribers);
    }
    const senderIndices = Array.from({ length: options.senders }, (_, i) => i);
    const senders = (
      await Promise.all(
        servers.map((s, j) => {
          const mine = share(senderIndices, j);
          return connectSenders(
            kind,
            s.port,
            mine.length,
            parley && { ...parley, tokens: mine.map((i) => parley?.tokens[i] ?? '') },
          );
        }),
      )
    ).flat();
    closers.push(() => {
      for (const s of senders) s.close();
    });
    const before = await heapOfAll();
    const subscriberIndices = Array.from({ length: options.subscribers }, (_, i) => i);
    const groups = await Promise.all(
      servers.map((s, j) => {
        const mine = share(subscriberIndices, j);
        return startSubscribers({
          type: 'start',
          server: kind,
          url: `ws://127.0.0.1:${s.port}`,
          count: mine.length,
          roomId: parley?.roomId,
          tokens: kind === 'parley' ? mine.map((i) => subscriberTokens[i] ?? '') : [],
        });
      }),
    );
    const subscribers = combineSubscribers(groups);
    closers.push(() => subscribers.stop());

    // Step 0 warms up (JIT, connection pools) at the first step's rate for a second, and
    // everyone must receive all of it: then every subscription is live.
    const warmUp = offer(
      senders,
      options.startRate,
      1000,
      (at) => makeBody(0, at, options.bodyLength),
      'w',
      now,
    );
    await warmUp.done;
    const warmDeadline = Date.now() + 60_000;
    while ((await subscribers.count(0)) < warmUp.offered.sent * options.subscribers) {
      if (Date.now() > warmDeadline) throw new Error('the warm-up message did not reach everyone');
      await sleep(50);
    }
    const after = await heapOfAll();
    const kibPerConnection = (after - before) / options.subscribers / 1024;
    let last = await subscribers.stats(0);

    const steps: StepResult[] = [];
    let rate = options.startRate;
    let saturatedRate: number | null = null;
    let retried = false;
    let rates = 0;
    // Up to maxSteps rates (one more to reach twice the saturating rate), and one repeat of
    // a first failure: a busy machine has hiccups, saturation counts when it happens twice.
    for (let k = 1; ; k++) {
      const usage = await usageOfAll();
      const started = now();
      const { done, offered } = offer(
        senders,
        rate,
        options.stepMs,
        (at) => makeBody(k, at, options.bodyLength),
        `s${k}`,
        now,
      );
      await done;
      const deadline = now() + options.drainMs;
      let delivered = 0;
      while (now() < deadline) {
        delivered = await subscribers.count(k);
        if (offered.pending === 0 && delivered >= offered.sent * options.subscribers) break;
        await sleep(50);
      }
      const used = await usageOfAll();
      const stats: StepStats = await subscribers.stats(k);
      last = stats;
      const refused = { ...offered.refused };
      if (offered.pending > 0) refused.NO_REPLY = offered.pending;
      const window = Math.max(options.stepMs, Math.min(stats.lastAt, deadline) - started) / 1000;
      const deliveredPerSecond = stats.count / window;
      const allDelivered = stats.count >= offered.sent * options.subscribers;
      const acks = Float64Array.from(offered.ackLatencies).sort();
      const step: StepResult = {
        offeredRate: offered.sent / (options.stepMs / 1000),
        offeredDeliveries: (offered.sent * options.subscribers) / (options.stepMs / 1000),
        deliveredPerSecond,
        p50: stats.p50,
        p99: stats.p99,
        sent: offered.sent,
        accepted: offered.accepted,
        refused,
        ackP99: percentile(acks, 99),
        cpuPerDelivery: (used.cpuMicros - usage.cpuMicros) / Math.max(1, stats.count),
        statementsPerMessage:
          kind === 'parley' ? (used.statements - usage.statements) / offered.sent : null,
        allDelivered,
        ok: allDelivered && stats.p99 < P99_LIMIT_MS,
      };
      steps.push(step);
      log(stepLine(target, step));
      if (!step.ok && saturatedRate === null && !retried) {
        retried = true;
        await sleep(300);
        continue;
      }
      retried = false;
      if (step.ok) saturatedRate = null;
      else saturatedRate ??= rate;
      if (saturatedRate !== null && rate >= 2 * saturatedRate * 0.999) break;
      if (++rates >= options.maxSteps && saturatedRate === null) break;
      // Past saturation the steps end exactly at twice the saturating rate (the goal's check).
      rate =
        saturatedRate === null
          ? rate * options.stepFactor
          : Math.min(rate * options.stepFactor, 2 * saturatedRate);
      // Let the server finish what it still holds before the next step.
      await sleep(300);
    }
    return {
      ...summarise(target, steps),
      kibPerConnection,
      frameBytes: last.frameBytes,
      duplicates: last.duplicates,
      gaps: last.gaps,
      reconnects: last.reconnects,
    };
  } finally {
    for (const close of closers.reverse()) await close();
    await cleanup();
  }
}

/**
 * Several subscriber processes as one: counts add up; latency percentiles are those of the
 * worse group (a bound, since percentiles do not add).
 */
function combineSubscribers(groups: Subscribers[]): Subscribers {
  if (groups.length === 1) return groups[0] as Subscribers;
  return {
    count: async (step) =>
      (await Promise.all(groups.map((g) => g.count(step)))).reduce((a, n) => a + n, 0),
    stats: async (step) => {
      const all = await Promise.all(groups.map((g) => g.stats(step)));
      const sum = (f: (s: StepStats) => number) => all.reduce((a, s) => a + f(s), 0);
      const max = (f: (s: StepStats) => number) => Math.max(...all.map(f));
      return {
        count: sum((s) => s.count),
        p50: max((s) => s.p50),
        p99: max((s) => s.p99),
        max: max((s) => s.max),
        firstAt: Math.min(...all.map((s) => s.firstAt)),
        lastAt: max((s) => s.lastAt),
        duplicates: sum((s) => s.duplicates),
        gaps: sum((s) => s.gaps),
        reconnects: sum((s) => s.reconnects),
        frameBytes: max((s) => s.frameBytes),
      };
    },
    stop: async () => {
      await Promise.all(groups.map((g) => g.stop()));
    },
  };
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '—';

const refusedText = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ') || '—';

export function stepLine(target: Target, s: StepResult): string {
  return [
    TARGET_NAMES[target].padEnd(22),
    fmt(s.offeredRate).padStart(6),
    fmt(s.offeredDeliveries).padStart(9),
    fmt(s.deliveredPerSecond).padStart(9),
    fmt(s.p50, 1).padStart(8),
    fmt(s.p99, 1).padStart(8),
    fmt(s.ackP99, 1).padStart(8),
    fmt(s.cpuPerDelivery, 1).padStart(9),
    (s.statementsPerMessage === null ? '' : fmt(s.statementsPerMessage, 2)).padStart(9),
    `${s.ok ? 'ok ' : '✗  '}${refusedText(s.refused)}`,
  ].join(' │ ');
}

export const STEP_HEADER = [
  'server'.padEnd(22),
  'msg/s'.padStart(6),
  'offered/s'.padStart(9),
  'deliv/s'.padStart(9),
  'p50 ms'.padStart(8),
  'p99 ms'.padStart(8),
  'ack p99'.padStart(8),
  'CPU µs/d'.padStart(9),
  'stmts/msg'.padStart(9),
  'ok / refused',
].join(' │ ');
