/**
 * /healthz (alive) and /readyz (should get traffic): ready on a migrated, reachable database;
 * not ready while the database refuses connections (PostgreSQL: connections disallowed and
 * terminated; PGlite: closed), while a migration is missing, and during shutdown.
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/harness.js';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close().catch(() => {});
  server = null;
});

async function status(url: string, path: string) {
  const res = await fetch(`${url}${path}`);
  return {
    status: res.status,
    body: (await res.json()) as { ok: boolean; checks?: Record<string, string> },
  };
}

describe('health endpoints', () => {
  it('/healthz and /readyz answer 200 on a migrated, reachable database', async () => {
    server = await startServer();
    expect(await status(server.app.url, '/healthz')).toEqual({ status: 200, body: { ok: true } });
    expect(await status(server.app.url, '/readyz')).toEqual({
      status: 200,
      body: { ok: true, checks: { shutdown: 'ok', database: 'ok' } },
    });
  });

  it('/readyz is 503 while a migration is missing, and 200 again once it is back', async () => {
    server = await startServer();
    const { db } = server.db;
    await db.execute(sql`alter table drizzle.__drizzle_migrations rename to saved_migrations`);
    const missing = await status(server.app.url, '/readyz');
    expect(missing.status).toBe(503);
    expect(missing.body.checks?.database).toMatch(/migration\(s\) pending/);
    await db.execute(sql`alter table drizzle.saved_migrations rename to __drizzle_migrations`);
    expect((await status(server.app.url, '/readyz')).status).toBe(200);
  });

  it('/readyz is 503 while the database is down, and 200 again when it is back', async () => {
    server = await startServer();
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (server.db.engine === 'postgres' && adminUrl) {
      const name = new URL(server.db.location).pathname.slice(1);
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`alter database ${name} allow_connections false`);
        await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name}`;
        const down = await status(server.app.url, '/readyz');
        expect(down.status).toBe(503);
        expect(down.body.checks?.database).toBe('unreachable');
        // Alive all the same: the process is fine, its database is not.
        expect((await status(server.app.url, '/healthz')).status).toBe(200);
        await admin.unsafe(`alter database ${name} allow_connections true`);
        expect((await status(server.app.url, '/readyz')).status).toBe(200);
      } finally {
        await admin.unsafe(`alter database ${name} allow_connections true`);
        await admin.end();
      }
    } else {
      // PGlite lives in this process: closing it is the database going away.
      await server.db.close();
      const down = await status(server.app.url, '/readyz');
      expect(down.status).toBe(503);
      expect(down.body.checks?.database).toBe('unreachable');
      expect((await status(server.app.url, '/healthz')).status).toBe(200);
    }
  });

  it('/readyz turns 503 as soon as shutdown starts, while the server still serves', async () => {
    server = await startServer({
      ops: {
        migrate: undefined,
        metricsPort: undefined,
        metricsHost: '127.0.0.1',
        shutdownDrainMs: 1500,
      },
    });
    const { url } = server.app;
    expect((await status(url, '/readyz')).status).toBe(200);
    const closing = server.app.close();
    const during = await status(url, '/readyz');
    expect(during.status).toBe(503);
    expect(during.body.checks?.shutdown).toBe('stopping');
    expect((await status(url, '/healthz')).status).toBe(200);
    await closing;
    await expect(fetch(`${url}/readyz`)).rejects.toThrow();
  });
});
