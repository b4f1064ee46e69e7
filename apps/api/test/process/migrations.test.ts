/**
 * Migrations at start on PostgreSQL (the embedded database always migrates itself; see
 * process.test.ts): a server refuses an unmigrated database unless PARLEY_MIGRATE=auto, and
 * two servers starting together against one database migrate it once.
 */
import { createDb, MIGRATION_LOCK, queryRows, readJournal } from '@parley/db';
import { createEmptyPostgresDb } from '@parley/db/testing';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { runServer } from '../support/process.js';

const serverUrl = process.env.TEST_DATABASE_URL;
if (!serverUrl)
  console.warn('[apps/api] skipping PostgreSQL migration tests: no TEST_DATABASE_URL');

const base = { PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'development', LOG_LEVEL: 'info' };

describe.skipIf(!serverUrl)('migrations at start, on PostgreSQL', () => {
  it('refuses an unmigrated database without PARLEY_MIGRATE=auto, naming what is pending', async () => {
    const empty = await createEmptyPostgresDb(serverUrl ?? '');
    try {
      const proc = runServer({ ...base, DATABASE_URL: empty.url, PARLEY_DATA_DIR: '/nonexistent' });
      expect(await proc.exit).toBe(1);
      const pending = readJournal().map((m) => m.tag);
      expect(pending.length).toBeGreaterThan(0);
      for (const tag of pending) expect(proc.output()).toContain(tag);
      expect(proc.output()).toContain('pnpm db:migrate');
      expect(proc.output()).toContain('PARLEY_MIGRATE=auto');
      expect(proc.output()).not.toContain('running at');
    } finally {
      await empty.drop();
    }
  });

  it('with PARLEY_MIGRATE=auto, two servers started together migrate it once', async () => {
    const empty = await createEmptyPostgresDb(serverUrl ?? '');
    // Hold the migration lock so that both servers are surely at it at the same time.
    const holder = postgres(empty.url, { max: 1, onnotice: () => {} });
    await holder`select pg_advisory_lock(${String(MIGRATION_LOCK)}::bigint)`;
    const env = { ...base, DATABASE_URL: empty.url, PARLEY_MIGRATE: 'auto' };
    const servers = [runServer(env), runServer(env)];
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const [row] = await holder<{ n: number }[]>`
          select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`;
        if (row?.n === 2) break;
        if (Date.now() > deadline) {
          throw new Error(
            `both servers never waited for the lock:\n${servers.map((s) => s.output()).join('\n---\n')}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const s of servers) expect(s.output()).not.toContain('running at');
      await holder.end();

      const urls = await Promise.all(servers.map((s) => s.url()));
      for (const url of urls) expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const logs = servers.map((s) => s.output());
      const migrated = logs.filter((out) => out.includes('"msg":"migrated the database"'));
      expect(migrated, logs.join('\n---\n')).toHaveLength(1);

      const handle = createDb({ url: empty.url, max: 1 });
      try {
        const rows = await queryRows<{ n: number }>(
          handle.db,
          sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
        );
        expect(rows[0]?.n).toBe(readJournal().length);
      } finally {
        await handle.close();
      }
    } finally {
      await holder.end();
      await Promise.all(servers.map((s) => s.stop()));
      await empty.drop();
    }
  });
});
