import type { Db } from '@parley/db';
import type { Config } from './config.js';
import type { EventPublisher } from './events/publisher.js';
import type { Health } from './http/health.js';
import type { RateLimits } from './http/rate-limits.js';
import type { BusSubscriber } from './live/bus.js';
import type { PresenceTracker } from './live/presence.js';
import type { RoomFanout } from './live/room-fanout.js';
import type { SocketRegistry } from './live/sockets.js';
import type { TypingTracker } from './live/typing.js';
import type { Logger } from './logger.js';
import type { SendQueue } from './messages/send-queue.js';
import type { Metrics } from './ops/metrics.js';
import type { ReadMarks } from './rooms/read-marks.js';
import type { StorageGuard } from './storage/space.js';

/** Everything a request may use, built once per server by createApp. */
export interface AppDeps {
  config: Config;
  db: Db;
  /** Subscribe only: publishing goes through `events`. */
  bus: BusSubscriber;
  events: EventPublisher;
  /** Each room's live events on this node: one bus subscription and one gap read per room. */
  fanout: RoomFanout;
  log: Logger;
  presence: PresenceTracker;
  typing: TypingTracker;
  sockets: SocketRegistry;
  limits: RateLimits;
  readMarks: ReadMarks;
  /** Refuses writes while the embedded database's disk is (nearly) full. */
  storage: StorageGuard;
  /** /healthz and /readyz, and the readiness checks behind them. */
  health: Health;
  /** Per-room group commit of new messages. */
  sends: SendQueue;
  /** Prometheus metrics (ops/metrics.ts); hooks are one-line calls into it. */
  metrics: Metrics;
}
