import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  createDb,
  createEmbeddedDatabase,
  type DbHandle,
  dbOptionsFromEnv,
  holdEmbeddedDatabase,
  prepareDatabase,
} from '@parley/db';
import type { WebSocketServer } from 'ws';
import { RedisAccountState } from './auth/sign-in-guard.js';
import { RedisPresenceStore } from './cluster/presence-store.js';
import { RedisLink } from './cluster/redis.js';
import { RedisTypingStore } from './cluster/typing-store.js';
import { type ConfigOverrides, loadConfig } from './config.js';
import type { AppDeps } from './deps.js';
import { EventPublisher } from './events/publisher.js';
import { Health, NotReady } from './http/health.js';
import { createRateLimits } from './http/rate-limits.js';
import { createHttpServer } from './http/server.js';
import { memoryLimiters, redisLimiters } from './limits/limiters.js';
import type { Bus } from './live/bus.js';
import { MemoryBus } from './live/memory-bus.js';
import { PresenceTracker } from './live/presence.js';
import { RedisBus } from './live/redis-bus.js';
import { RoomFanout } from './live/room-fanout.js';
import { SocketRegistry } from './live/sockets.js';
import { TypingTracker } from './live/typing.js';
import { createLogger, type Logger } from './logger.js';
import { eventsAfter } from './messages/replay.js';
import { SendQueue } from './messages/send-queue.js';
import { Metrics } from './ops/metrics.js';
import { type MetricsServer, startMetricsServer } from './ops/metrics-server.js';
import { ReadMarks } from './rooms/read-marks.js';
import { checkDataDir, StorageGuard } from './storage/space.js';

/** How long a node waits for another node's event still crossing Redis (live/room-fanout.ts). */
const CLUSTER_GAP_WAIT_MS = 10;

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface AppOptions {
  /** Settings over those read from the environment. */
  config?: ConfigOverrides;
  /** An open database (tests); otherwise one is opened from the configuration. */
  db?: DbHandle;
  bus?: Bus;
  log?: Logger;
  env?: NodeJS.ProcessEnv;
  /** Tests only: runs before each Redis SUBSCRIBE is sent (delays its acknowledgement). */
  beforeSubscribe?: (channel: string) => Promise<void>;
}

export interface RunningApp {
  url: string;
  port: number;
  deps: AppDeps;
  /** The WebSocket server (tests use it to drop connections). */
  wss: WebSocketServer;
  /** `http://host:port/metrics` when PARLEY_METRICS_PORT is set. */
  metricsUrl: string | undefined;
  /** Graceful stop: refuse new work, ask sockets to reconnect, finish in-flight requests. */
  close(): Promise<void>;
}

export async function createApp(options: AppOptions = {}): Promise<RunningApp> {
  const config = loadConfig(options.env ?? process.env, options.config);
  const log = options.log ?? createLogger(config);
  if (config.webDist === undefined && existsSync(DEFAULT_WEB_DIST))
    config.webDist = DEFAULT_WEB_DIST;

  const ownsDb = !options.db;
  const dbOptions = dbOptionsFromEnv({
    DATABASE_URL: config.databaseUrl,
    PARLEY_DATA_DIR: config.dataDir,
  });
  // The embedded database's directory, when it is this server's own and on disk.
  const dataDir =
    ownsDb && !dbOptions.url && !dbOptions.dataDir.startsWith('memory://')
      ? dbOptions.dataDir
      : null;
  let release = () => {};
  if (dataDir) {
    await checkDataDir(dataDir, config.limits.minFreeBytes);
    // Marks the directory as in use (for `pnpm db:backup` / `db:restore`), and refuses to
    // start on a directory another live server holds.
    release = holdEmbeddedDatabase(dataDir);
    // Created apart from this process, which would otherwise keep initdb's memory (design.md).
    await createEmbeddedDatabase(dataDir).catch((err: unknown) => {
      release();
      throw err;
    });
  }
  const handle = options.db ?? createDb(dbOptions);
  if (ownsDb) {
    // The embedded database is this server's own: migrating it at start is always right. A
    // shared PostgreSQL is migrated deliberately unless the operator opts in.
    const policy = config.ops.migrate ?? (handle.engine === 'pglite' ? 'auto' : 'check');
    const { applied, ahead } = await prepareDatabase(handle, policy).catch(async (err) => {
      await handle.close().catch(() => {});
      release();
      throw err;
    });
    if (applied.length > 0)
      log.info({ applied, database: handle.location }, 'migrated the database');
    if (ahead) log.warn('the database has migrations newer than this build');
  }

  const storage = new StorageGuard(dataDir, config.limits.minFreeBytes, log);
  storage.start();
  // Cluster mode: Redis carries the bus, presence, typing and rate limits between nodes. A
  // node starts without Redis too (sends persist; /readyz says Redis is down).
  const link = config.redisUrl
    ? new RedisLink({ url: config.redisUrl, prefix: config.redisPrefix, log })
    : undefined;
  if (link && !(await link.waitUntilUp(3_000)))
    log.warn('started without Redis: live delivery between nodes waits for it');
  const bus =
    options.bus ??
    (link
      ? new RedisBus({ link, nodeId: config.nodeId, beforeSubscribe: options.beforeSubscribe })
      : new MemoryBus());
  const onError = (err: unknown) => log.error({ err }, 'background task failed');
  const events = new EventPublisher(bus);
  const typing = new TypingTracker(events, config.typingTtlMs, link && new RedisTypingStore(link));
  // A node's presence entries outlive a missed heartbeat or two, and lapse within the
  // keep-alive window plus a few seconds when the node dies.
  const presenceTtlMs = config.wsPingMs + config.wsPongWaitMs + 3_000;
  const presence = new PresenceTracker(
    handle.db,
    events,
    onError,
    link && new RedisPresenceStore(link, config.nodeId, presenceTtlMs),
    Math.floor(presenceTtlMs / 3),
  );
  if (link) link.onUp(() => void presence.beat());
  const metrics = new Metrics({
    sockets: () => http.wss.clients.size,
    pool: () => handle.poolStats(),
  });
  const fanout = new RoomFanout(bus, {
    read: (roomId, after, limit) => eventsAfter(handle.db, roomId, after, limit),
    onDelivered: (event, direct) => metrics.deliveredDirectly('live.roomEvents', event, direct),
    gapWaitMs: link ? CLUSTER_GAP_WAIT_MS : 0,
  });
  const deps: AppDeps = {
    config,
    db: handle.db,
    bus,
    events,
    fanout,
    log,
    presence,
    typing,
    sockets: new SocketRegistry(bus),
    limits: createRateLimits(
      config,
      link ? redisLimiters(link) : memoryLimiters,
      link && new RedisAccountState(link, config.limits.signIn),
    ),
    readMarks: new ReadMarks(handle.db, onError, {
      canWrite: () => !storage.full,
      bus,
      roomLast: (roomId) => fanout.lastPosition(roomId),
    }),
    storage,
    health: new Health(handle.db, log, link ? config.nodeId : undefined),
    sends: new SendQueue({ db: handle.db, events, typing, config }),
    metrics,
  };
  if (link) {
    deps.health.addCheck(
      'redis',
      async () => {
        try {
          await link.ping();
        } catch {
          throw new NotReady('unreachable');
        }
      },
      { advisory: true },
    );
    deps.health.addDegradation('redis', () => (link.up ? null : 'unreachable'));
  }
  if (dataDir) {
    deps.health.addCheck('storage', async () => {
      if (storage.full) throw new NotReady('storage full');
    });
    deps.health.addDegradation('storage', () => (storage.full ? 'storage full' : null));
  }
  const http = createHttpServer(deps);
  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    http.server.listen(config.port, config.host, () => resolve());
  });
  const { port } = http.server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  log.info({ url, database: handle.engine, web: config.webDist ?? null }, 'Parley is listening');
  const { metricsPort, metricsHost } = config.ops;
  let metricsServer: MetricsServer | undefined;
  if (metricsPort !== undefined) {
    metricsServer = await startMetricsServer(deps.metrics, metricsHost, metricsPort, log).catch(
      async (err) => {
        http.server.close();
        throw err;
      },
    );
  }

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      // Readiness goes first: load balancers stop sending new work while this one drains.
      deps.health.startShutdown();
      if (config.ops.shutdownDrainMs > 0) {
        log.info({ ms: config.ops.shutdownDrainMs }, 'draining before shutdown');
        await new Promise((r) => setTimeout(r, config.ops.shutdownDrainMs));
      }
      const stopped = new Promise<void>((resolve) => http.server.close(() => resolve()));
      http.broadcastReconnect();
      // Give clients a moment to move their subscriptions elsewhere, then close what is left.
      const deadline = Date.now() + 1000;
      while (http.wss.clients.size > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const client of http.wss.clients) client.close(1012, 'server restarting');
      http.server.closeIdleConnections();
      const forced = setTimeout(() => http.server.closeAllConnections(), 5000);
      await stopped;
      clearTimeout(forced);
      // Sends already accepted are written and published before the database closes.
      await deps.sends.drain();
      deps.typing.close();
      storage.stop();
      await deps.readMarks.flush();
      deps.sockets.close();
      await presence.close();
      if (!options.bus) await bus.close();
      await link?.close();
      await metricsServer?.close();
      if (ownsDb) await handle.close();
      release();
      log.info('Parley stopped');
    })();
    return closing;
  };
  return { url, port, deps, wss: http.wss, metricsUrl: metricsServer?.url, close };
}
