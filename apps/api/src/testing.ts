/**
 * The one way tests (api, web, examples, contract) start a Parley server: the real app on an
 * ephemeral loopback port over a fresh test database (`@parley/db/testing`: PGlite, or a new
 * database on TEST_DATABASE_URL). Not used by the server itself.
 */
import { randomUUID } from 'node:crypto';
import type { DbHandle } from '@parley/db';
import { createTestDb } from '@parley/db/testing';
import { createApp, type RunningApp } from './app.js';
import type { ConfigOverrides } from './config.js';
import type { Logger } from './logger.js';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-000';

/**
 * Tests sign up hundreds of users: at the production cost (N=2^17, ~0.6 s and 128 MiB each)
 * they would spend minutes hashing. The format and the rehash path are the same at any cost.
 */
export const TEST_PASSWORD_HASHING = { N: 2 ** 10, r: 8, p: 1 };

export interface TestServerOptions {
  /** Settings over the test defaults (loopback, port 0, TEST_SECRET, no logs). */
  config?: ConfigOverrides;
  /**
   * The environment the configuration is read from; empty by default, so a developer's shell
   * does not change what tests see.
   */
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** Called with every statement the database client sends (see createDb's `onQuery`). */
  onQuery?: (statement: string) => void;
  /**
   * Cluster mode on this Redis (a node of a cluster; `startSibling` adds more), under a key
   * prefix of its own so test files sharing one Redis do not meet.
   */
  redisUrl?: string;
}

export interface SiblingOptions {
  /** Runs before each Redis SUBSCRIBE of that node is sent (delays its acknowledgement). */
  beforeSubscribe?: (channel: string) => Promise<void>;
}

/** TEST_REDIS_URL, or why cluster tests skip (tests print it). */
export function testRedisUrl(): string | undefined {
  return process.env.TEST_REDIS_URL || undefined;
}

export interface TestServer {
  db: DbHandle;
  /** The running app; a new one after `restart`. */
  readonly app: RunningApp;
  /** Stays the same across restarts (same port). */
  url: string;
  /** The WebSocket endpoint, `ws://…/trpc`. */
  wsUrl: string;
  /** Stops the app (unless already stopped) and starts a new one on the same database and port. */
  restart(): Promise<RunningApp>;
  /** Stops the app and leaves the database: the server is down until `start`. */
  stop(): Promise<void>;
  /** Starts the app again after `stop`, on the same database and port. */
  start(): Promise<RunningApp>;
  /**
   * Another app on the same database (and Redis, in cluster mode), on a port of its own (a
   * second node); close it yourself.
   */
  startSibling(options?: SiblingOptions): Promise<RunningApp>;
  /** Stops the app and drops the database. */
  close(): Promise<void>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const db = await createTestDb({ onQuery: options.onQuery });
  const config: ConfigOverrides = {
    port: 0,
    host: '127.0.0.1',
    secret: TEST_SECRET,
    logLevel: 'silent',
    passwordHashing: TEST_PASSWORD_HASHING,
    ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
    ...options.config,
  };
  if (config.redisUrl && !config.redisPrefix)
    config.redisPrefix = `parley-test-${randomUUID().slice(0, 8)}:`;
  const { env = {}, log } = options;
  let app: RunningApp;
  try {
    app = await createApp({ db, config, env, log });
  } catch (error) {
    await db.close();
    throw error;
  }
  const url = app.url;
  const stop = () => app.close();
  const start = async () => {
    app = await createApp({ db, config: { ...config, port: app.port }, env, log });
    return app;
  };
  return {
    db,
    get app() {
      return app;
    },
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/trpc`,
    async restart() {
      await stop();
      return start();
    },
    stop,
    start,
    startSibling(sibling: SiblingOptions = {}) {
      return createApp({ db, config: { ...config, port: 0 }, env, log, ...sibling });
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/**
 * A stand-in for an object that a beforeAll hook makes later, so that a test file can name its
 * fixtures in one line at the top (`const { server, ana } = withPeople(...)`) instead of `let`
 * plus assignments: reading a property, `in`, a spread or a method call reach the object once
 * it exists (methods run on the object itself, so class instances such as Playwright's pages
 * work through it). `current` returns undefined until then; using it earlier throws.
 */
export function later<T extends object>(current: () => T | undefined, what: string): T {
  const made = () => {
    const value = current();
    if (value === undefined)
      throw new Error(`${what} used before beforeAll made it (or it failed)`);
    return value;
  };
  return new Proxy({} as T, {
    get: (_, key) => {
      const target = made();
      const value: unknown = Reflect.get(target, key);
      // An inherited method called through the stand-in would see it as `this`.
      return typeof value === 'function' &&
        typeof target !== 'function' &&
        !Object.hasOwn(target, key)
        ? value.bind(target)
        : value;
    },
    set: (_, key, value) => Reflect.set(made(), key, value),
    has: (_, key) => Reflect.has(made(), key),
    ownKeys: () => Reflect.ownKeys(made()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(made(), key);
      // A proxy may report a property its (empty) target lacks only as configurable.
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}
