/**
 * The embedded database on disk (src/embedded.ts): PGlite runs with the smaller buffer pool,
 * a fresh directory's database is made by a child process, and the pid file that keeps backup
 * and restore off a running server's files tells a live holder from a stale one.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import {
  backupEmbeddedDatabase,
  createDb,
  createEmbeddedDatabase,
  EmbeddedDatabaseBusy,
  embeddedDatabaseHolder,
  holdEmbeddedDatabase,
  queryRows,
} from '../src/index.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'parley-embedded-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the embedded database', () => {
  it('runs with 16 MB of shared buffers, not PostgreSQL’s 128 MB', async () => {
    const handle = createDb({ dataDir: 'memory://' });
    try {
      const rows = await queryRows<{ shared_buffers: string }>(handle.db, sql`show shared_buffers`);
      expect(rows[0]?.shared_buffers).toBe('16MB');
    } finally {
      await handle.close();
    }
  });

  it('is created once, apart from this process, and then opens', async () => {
    const dir = path.join(scratch, 'created', 'db');
    expect(await createEmbeddedDatabase(dir)).toBe(true);
    expect(existsSync(path.join(dir, 'PG_VERSION'))).toBe(true);
    expect(await createEmbeddedDatabase(dir)).toBe(false);
    const handle = createDb({ dataDir: dir });
    try {
      const rows = await queryRows<{ n: number }>(handle.db, sql`select 1 as n`);
      expect(rows[0]?.n).toBe(1);
    } finally {
      await handle.close();
    }
  }, 60_000);

  it('is held by one live process only: a second holder is refused, a stale pid file is ignored', async () => {
    const dir = path.join(scratch, 'created', 'db');
    // This process's own pid never counts as another holder.
    const release = holdEmbeddedDatabase(dir);
    expect(embeddedDatabaseHolder(dir)).toBeNull();
    release();
    expect(existsSync(`${dir}.pid`)).toBe(false);

    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      writeFileSync(`${dir}.pid`, `${other.pid}\n`);
      expect(embeddedDatabaseHolder(dir)).toBe(other.pid);
      await expect(backupEmbeddedDatabase(dir, path.join(scratch, 'b.tar.gz'))).rejects.toThrow(
        EmbeddedDatabaseBusy,
      );
      // A second server on the same directory would corrupt it: holding it is refused.
      expect(() => holdEmbeddedDatabase(dir)).toThrow(EmbeddedDatabaseBusy);
      expect(() => holdEmbeddedDatabase(dir)).toThrow(
        `A Parley server (pid ${other.pid}) is using the database in ${path.resolve(dir)}`,
      );
    } finally {
      other.kill();
      await new Promise((r) => other.once('exit', r));
    }
    expect(embeddedDatabaseHolder(dir)).toBeNull();
    expect(await backupEmbeddedDatabase(dir, path.join(scratch, 'b.tar.gz'))).toBeGreaterThan(0);
  }, 60_000);
});
