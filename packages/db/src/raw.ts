import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client.js';

const dialect = new PgDialect();

/**
 * Runs raw SQL and returns its rows. The two drivers shape `execute` results differently
 * (postgres-js: an array; PGlite: `{ rows }`), so this is the one place that knows.
 *
 * `prepared`: for a hot statement whose text takes few shapes. drizzle's `execute` sends a
 * parameterised statement unnamed, which postgres-js does in two round trips (parse and
 * describe, then bind and execute) and PostgreSQL parses and plans every time; a prepared one
 * is parsed once per connection and then takes one round trip. Each distinct text stays
 * prepared on every connection, so only for texts built from a handful of variants.
 * (PGlite runs it the same either way.)
 */
export async function queryRows<T>(
  db: DbOrTx,
  query: SQL,
  options: { prepared?: boolean } = {},
): Promise<T[]> {
  const res = options.prepared
    ? ((await db._.session
        .prepareQuery(dialect.sqlToQuery(query), undefined, 'prepared', false)
        .execute()) as unknown as T[] | { rows: T[] })
    : ((await db.execute(query)) as unknown as T[] | { rows: T[] });
  return Array.isArray(res) ? res : res.rows;
}
