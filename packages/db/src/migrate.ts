import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbHandle } from './client.js';
import { queryRows } from './raw.js';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));

const journalSchema = z.object({
  entries: z.array(z.object({ idx: z.number(), when: z.number(), tag: z.string() })),
});

export interface MigrationEntry {
  tag: string;
  when: number;
}

export function readJournal(folder = MIGRATIONS_FOLDER): MigrationEntry[] {
  const raw = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, 'utf8'));
  return journalSchema.parse(raw).entries.map(({ tag, when }) => ({ tag, when }));
}

/** The `when` of the newest applied migration, or null on a fresh database. */
async function lastApplied(handle: DbHandle): Promise<number | null> {
  const [exists] = await queryRows<{ t: string | null }>(
    handle.db,
    sql`select to_regclass('drizzle.__drizzle_migrations')::text as t`,
  );
  if (!exists?.t) return null;
  const [row] = await queryRows<{ created_at: string | number | null }>(
    handle.db,
    sql`select max(created_at) as created_at from drizzle.__drizzle_migrations`,
  );
  return row?.created_at == null ? null : Number(row.created_at);
}

/**
 * Applies pending migrations and returns the tags it applied (empty when up to date).
 * Drizzle's migrator runs them in one transaction, so a failing statement leaves the
 * database as it was.
 */
export async function migrate(handle: DbHandle, folder = MIGRATIONS_FOLDER): Promise<string[]> {
  const journal = readJournal(folder);
  const last = await lastApplied(handle);
  const pending = journal.filter((m) => last === null || m.when > last).map((m) => m.tag);
  if (pending.length > 0) await handle.applyMigrations(folder);
  return pending;
}
