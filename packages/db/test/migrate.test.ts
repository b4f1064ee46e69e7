import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDb, MIGRATIONS_FOLDER, migrate, queryRows, readJournal } from '../src/index.js';
import { createEmptyPostgresDb } from '../src/testing.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** A fresh empty database: a new one on TEST_DATABASE_URL's server, or an in-memory PGlite. */
async function emptyDb() {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const handle = createDb({ dataDir: 'memory://' });
    return { handle, done: () => handle.close() };
  }
  const empty = await createEmptyPostgresDb(serverUrl);
  const handle = createDb({ url: empty.url, max: 2 });
  return {
    handle,
    done: async () => {
      await handle.close();
      await empty.drop();
    },
  };
}

async function tableExists(handle: ReturnType<typeof createDb>, name: string) {
  const [row] = await queryRows<{ t: string | null }>(
    handle.db,
    sql`select to_regclass(${name})::text as t`,
  );
  return Boolean(row?.t);
}

describe('migrate', () => {
  it('applies every migration once, then none', async () => {
    const { handle, done } = await emptyDb();
    try {
      const applied = await migrate(handle);
      expect(applied).toEqual(readJournal().map((m) => m.tag));
      expect(applied.length).toBeGreaterThan(0);
      expect(await tableExists(handle, 'messages')).toBe(true);
      expect(await migrate(handle)).toEqual([]);
    } finally {
      await done();
    }
  });

  it('leaves the database as it was when a statement fails', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'parley-mig-'));
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalPath = path.join(folder, 'meta/_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
    const last = journal.entries.at(-1);
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1, tag: '9999_broken' });
    writeFileSync(journalPath, JSON.stringify(journal));
    writeFileSync(
      path.join(folder, '9999_broken.sql'),
      'create table half_done (id int);\n--> statement-breakpoint\nselect * from no_such_table;',
    );
    const { handle, done } = await emptyDb();
    try {
      await expect(migrate(handle, folder)).rejects.toThrow();
      // Everything ran in one transaction: not even the first migration's tables remain.
      expect(await tableExists(handle, 'half_done')).toBe(false);
      expect(await tableExists(handle, 'messages')).toBe(false);
    } finally {
      await done();
    }
  });

  it('gives an existing database its name keys; of two lookalike public rooms the older keeps its key', async () => {
    // The database as the build before migration 0002 left it.
    const folder = mkdtempSync(path.join(tmpdir(), 'parley-mig-'));
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalPath = path.join(folder, 'meta/_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
    const before = journal.entries.findIndex(
      (e: { tag: string }) => e.tag === '0002_lookalike_names',
    );
    expect(before).toBeGreaterThan(0);
    writeFileSync(
      journalPath,
      JSON.stringify({ ...journal, entries: journal.entries.slice(0, before) }),
    );
    const { handle, done } = await emptyDb();
    try {
      await migrate(handle, folder);
      await handle.db.execute(
        sql`insert into users (username, display_name) values ('adm1n', 'x')`,
      );
      await handle.db.execute(sql`insert into rooms (kind, name, created_at) values
        ('public', 'general', now() - interval '2 hours'),
        ('public', 'gеneral', now() - interval '1 hour'),
        ('private', 'GENERAL', now()),
        ('public', 'Random', now())`);
      expect(await migrate(handle)).toContain('0002_lookalike_names');
      const rooms = await queryRows<{ name: string; name_key: string | null }>(
        handle.db,
        sql`select name, name_key from rooms order by created_at, name`,
      );
      expect(rooms).toEqual([
        { name: 'general', name_key: 'general' },
        { name: 'gеneral', name_key: null }, // a lookalike duplicate from before: left as it is
        { name: 'GENERAL', name_key: 'general' },
        { name: 'Random', name_key: 'randorn' },
      ]);
      const [user] = await queryRows<{ username_key: string }>(
        handle.db,
        sql`select username_key from users`,
      );
      expect(user?.username_key).toBe('adrnln');
      // Now the index holds: a third lookalike cannot be inserted.
      await expect(
        handle.db.execute(
          sql`insert into rooms (kind, name, name_key) values ('public', 'GENERАL', 'general')`,
        ),
      ).rejects.toThrow();
      // Idempotent: nothing left to do but the grandfathered duplicate.
      expect(await migrate(handle)).toEqual([]);
    } finally {
      await done();
    }
  });

  it('CLI: an unreachable server fails fast with the host and port, no stack trace', () => {
    const started = Date.now();
    const res = spawnSync('pnpm', ['-s', 'db:migrate'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x' },
      timeout: 30_000,
    });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('127.0.0.1:1');
    expect(res.stderr).not.toMatch(/\n\s+at /);
    // Not a timing assertion on speed, just that it did not hang until the spawn timeout.
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
