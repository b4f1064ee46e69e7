import { performance } from 'node:perf_hooks';
import type { PoolStats } from '@parley/db';
import { isTrackedEnvelope } from '@trpc/server';
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type LabelValues,
  Registry,
} from 'prom-client';
import { tap } from '../live/tap.js';

/**
 * When each live event was published (EventPublisher marks it; the subscription that yields
 * the same object measures the fan-out). Keyed by the event object, so nothing outlives it
 * and events replayed from the database, which are new objects, are not counted as fan-out.
 */
const publishedAt = new WeakMap<object, number>();

/** Called by the event publisher for each live event it publishes. */
export function markPublished(event: object): void {
  publishedAt.set(event, performance.now());
}

/** Latency buckets in seconds, from 0.5 ms (an idle fan-out) to 5 s (a saturated send). */
const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

export interface MetricsSources {
  /** Open WebSocket connections. */
  sockets(): number;
  /** The database pool (or PGlite's queue). */
  pool(): PoolStats;
}

/**
 * The server's Prometheus metrics, one registry per app (tests run several in one process).
 * Hooks elsewhere are one-line calls: `messageSent`, `procedureFailed`, `observeProcedure`
 * (every procedure, by the tRPC middleware in trpc.ts) and `markPublished`. Served only on
 * the separate metrics listener (metrics-server.ts).
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly subscriptions: Gauge<'procedure'>;
  private readonly deliveries: Counter<'procedure'>;
  private readonly sent: Counter;
  private readonly sendLatency: Histogram;
  private readonly fanoutLatency: Histogram;
  private readonly refusals: Counter<'procedure'>;
  private readonly errors: Counter<'procedure' | 'code'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'parley_websocket_connections',
      help: 'Open WebSocket connections.',
      registers,
      collect() {
        this.set(sources.sockets());
      },
    });
    this.subscriptions = new Gauge({
      name: 'parley_subscriptions_active',
      help: 'Subscriptions running, by procedure.',
      labelNames: ['procedure'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'parley_deliveries_total',
      help: 'Events handed to subscribers for sending (each subscriber counts), by procedure.',
      labelNames: ['procedure'],
      registers,
    });
    this.sent = new Counter({
      name: 'parley_messages_sent_total',
      help: 'Successful messages.send calls (an idempotent retry of a sent message counts again).',
      registers,
    });
    this.sendLatency = new Histogram({
      name: 'parley_send_duration_seconds',
      help: 'messages.send, from the procedure starting to the message committed and published.',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.fanoutLatency = new Histogram({
      name: 'parley_fanout_duration_seconds',
      help: 'From an event being published to a subscriber handing it to its socket, per subscriber.',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.refusals = new Counter({
      name: 'parley_rate_limit_refusals_total',
      help: 'Calls refused with TOO_MANY_REQUESTS (rate limits and per-socket caps), by procedure.',
      labelNames: ['procedure'],
      registers,
    });
    this.errors = new Counter({
      name: 'parley_procedure_errors_total',
      help: 'Calls that failed, by procedure and tRPC error code.',
      labelNames: ['procedure', 'code'],
      registers,
    });
    const pool = (name: string, help: string, pick: (s: PoolStats) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(pick(sources.pool()));
        },
      });
    pool(
      'parley_db_pool_size',
      'Connections the database pool may open (PGlite: 1).',
      (s) => s.size,
    );
    pool(
      'parley_db_pool_in_use',
      'Database connections running a query or transaction.',
      (s) => s.inUse,
    );
    pool(
      'parley_db_pool_waiting',
      'Queries and transactions waiting for a database connection (PGlite: its queue).',
      (s) => s.waiting,
    );
  }

  /** messages.send committed a new message; `startedAt` is performance.now() at its start. */
  messageSent(startedAt: number): void {
    this.sent.inc();
    this.sendLatency.observe((performance.now() - startedAt) / 1000);
  }

  /** A call failed (the tRPC onError hook). */
  procedureFailed(procedure: string | undefined, code: string): void {
    const labels: LabelValues<'procedure'> = { procedure: procedure ?? 'unknown' };
    this.errors.inc({ ...labels, code });
    if (code === 'TOO_MANY_REQUESTS') this.refusals.inc(labels);
  }

  /**
   * Events a procedure's subscribers received without tRPC's loop (live/room-delivery.ts
   * writes them to the sockets itself): `count` deliveries of `event`, measured once, at the
   * end of its fan-out.
   */
  deliveredDirectly(procedure: string, event: object, count: number): void {
    if (count === 0) return;
    const labels = { procedure };
    this.deliveries.inc(labels, count);
    const at = publishedAt.get(event);
    if (at !== undefined) this.fanoutLatency.observe((performance.now() - at) / 1000);
  }

  /**
   * Wraps a procedure call (from a tRPC middleware): a subscription is counted while it runs,
   * and each event it yields is a delivery, with its fan-out latency when it is a live event.
   */
  async observeProcedure<R>(type: string, procedure: string, next: () => Promise<R>): Promise<R> {
    const result = await next();
    const outcome = result as { ok?: boolean; data?: unknown };
    if (type !== 'subscription' || !outcome.ok || !isAsyncIterable(outcome.data)) return result;
    const inner = outcome.data;
    const labels = { procedure };
    const { subscriptions, deliveries, fanoutLatency } = this;
    subscriptions.inc(labels);
    // A tap, not a generator layer: a subscription stays suspended for its whole life (live/tap.ts).
    const observed = tap(inner, {
      map(value) {
        deliveries.inc(labels);
        const event = isTrackedEnvelope(value) ? value[1] : value;
        const at = typeof event === 'object' && event !== null ? publishedAt.get(event) : undefined;
        if (at !== undefined) fanoutLatency.observe((performance.now() - at) / 1000);
        return value;
      },
      end: () => subscriptions.dec(labels),
    });
    return { ...outcome, data: observed } as R;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
