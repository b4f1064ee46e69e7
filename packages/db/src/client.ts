import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { PGLITE_START_PARAMS } from './embedded.js';
import { countingClient, InFlight, type PoolStats } from './pool-stats.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** The one database type callers see, whichever engine is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or an open transaction: service functions accept both. */
export type DbOrTx = Db | Tx;

export type DbEngine = 'postgres' | 'pglite';

export interface DbHandle {
  db: Db;
  engine: DbEngine;
  /** Where it lives: a redacted URL or the data directory. */
  location: string;
  /** Applies the migrations in `folder` in one transaction (drizzle's migrator). */
  applyMigrations(folder: string): Promise<void>;
  /**
   * Runs `fn` holding a PostgreSQL advisory lock `key` (on a connection of its own, so the
   * pool stays free for `fn`); other processes asking for the same key wait. PGlite has one
   * process by construction: `fn` just runs.
   */
  exclusive<T>(key: number, fn: () => Promise<T>): Promise<T>;
  /** Connections in use and queries waiting (counted: see pool-stats.ts). */
  poolStats(): PoolStats;
  close(): Promise<void>;
}

export interface DbOptions {
  /** A PostgreSQL URL. Without one, PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory; `memory://` keeps it in memory. Default `./.parley/db`. */
  dataDir?: string | undefined;
  /** Max pool size for the `postgres` driver. */
  max?: number;
  /**
   * Called with every statement sent, and with `begin` / `commit` / `rollback` for each
   * transaction (benchmarks count round trips with it; unset costs nothing).
   */
  onQuery?: (statement: string) => void;
}

/** Reports a transaction's begin and end to `onQuery` (drizzle's logger sees neither). */
function countTransactions(db: Db, onQuery: (statement: string) => void): void {
  const transaction = db.transaction.bind(db);
  db.transaction = async (run, config) => {
    onQuery('begin');
    try {
      const result = await transaction(run, config);
      onQuery('commit');
      return result;
    } catch (error) {
      onQuery('rollback');
      throw error;
    }
  };
}

export const DEFAULT_DATA_DIR = '.parley/db';

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

const queryLogger = (onQuery: DbOptions['onQuery']) =>
  onQuery ? { logQuery: (statement: string) => onQuery(statement) } : false;

export function createDb(options: DbOptions = {}): DbHandle {
  if (options.url) {
    const url = options.url;
    const sql = postgres(url, {
      max: options.max ?? 10,
      connect_timeout: 5,
      onnotice: () => {},
    });
    const inFlight = new InFlight(options.max ?? 10);
    const counted = countingClient(sql, {
      unsafe: (query) => inFlight.lazy(query as PromiseLike<unknown>),
      begin: (tx) => inFlight.around(tx as Promise<unknown>),
    });
    const pdb = drizzlePostgres(counted, { schema, logger: queryLogger(options.onQuery) });
    const db = pdb as unknown as Db;
    if (options.onQuery) countTransactions(db, options.onQuery);
    return {
      db,
      applyMigrations: (folder) => migratePostgres(pdb, { migrationsFolder: folder }),
      engine: 'postgres',
      location: redactUrl(options.url),
      exclusive: async (key, fn) => {
        const lock = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
        try {
          await lock`select pg_advisory_lock(${String(key)}::bigint)`;
          return await fn();
        } finally {
          // Ending the session releases the lock, also when fn failed.
          await lock.end({ timeout: 5 });
        }
      },
      poolStats: () => inFlight.stats(),
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const inMemory = dataDir.startsWith('memory://');
  const location = inMemory ? dataDir : path.resolve(dataDir);
  if (!inMemory) mkdirSync(location, { recursive: true });
  const client = new PGlite(location, { startParams: [...PGLITE_START_PARAMS] });
  const inFlight = new InFlight(1);
  const counted = countingClient(client, {
    query: (result) => inFlight.around(result as Promise<unknown>),
    exec: (result) => inFlight.around(result as Promise<unknown>),
    transaction: (result) => inFlight.around(result as Promise<unknown>),
  });
  const ldb = drizzlePglite(counted, { schema, logger: queryLogger(options.onQuery) });
  const db = ldb as unknown as Db;
  if (options.onQuery) countTransactions(db, options.onQuery);
  return {
    db,
    applyMigrations: (folder) => migratePglite(ldb, { migrationsFolder: folder }),
    engine: 'pglite',
    location,
    exclusive: (_key, fn) => fn(),
    poolStats: () => inFlight.stats(),
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}
