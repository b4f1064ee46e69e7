import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbHandle } from './client.js';
import { backfillNameKeys } from './names.js';
import { queryRows } from './raw.js';

/**
 * Replaced at build time by the server's bundler (apps/api/scripts/build.mjs), which copies
 * the folder beside the bundle: there `import.meta.url` is the bundle's, not this file's.
 */
declare const PARLEY_BUNDLED_MIGRATIONS: string | undefined;

export const MIGRATIONS_FOLDER = fileURLToPath(
  new URL(
    typeof PARLEY_BUNDLED_MIGRATIONS === 'string' ? PARLEY_BUNDLED_MIGRATIONS : '../migrations',
    import.meta.url,
  ),
);

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
async function lastApplied(handle: Pick<DbHandle, 'db'>): Promise<number | null> {
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

export interface MigrationStatus {
  /** Migrations of this build the database has not had, oldest first. */
  pending: string[];
  /** The database has a migration newer than any this build knows (a newer build ran). */
  ahead: boolean;
}

/** Compares the database with the migrations (drizzle applies by `when`, so do we). */
export async function migrationStatus(
  handle: Pick<DbHandle, 'db'>,
  folder = MIGRATIONS_FOLDER,
): Promise<MigrationStatus> {
  const journal = readJournal(folder);
  const last = await lastApplied(handle);
  const pending = journal.filter((m) => last === null || m.when > last).map((m) => m.tag);
  const newest = journal.at(-1)?.when ?? 0;
  return { pending, ahead: last !== null && last > newest };
}

/**
 * Applies pending migrations and returns the tags it applied (empty when up to date).
 * Drizzle's migrator runs them in one transaction, so a failing statement leaves the
 * database as it was. On PostgreSQL it holds an advisory lock meanwhile and looks again once
 * it has it, so servers starting together against one database migrate it once.
 */
export async function migrate(handle: DbHandle, folder = MIGRATIONS_FOLDER): Promise<string[]> {
  return handle.exclusive(MIGRATION_LOCK, async () => {
    const { pending } = await migrationStatus(handle, folder);
    if (pending.length > 0) await handle.applyMigrations(folder);
    // Data SQL cannot compute: the lookalike keys of names (names.ts). Idempotent.
    await backfillNameKeys(handle.db);
    return pending;
  });
}

/** Advisory lock key for migrations (any constant; `parley` in ASCII). */
export const MIGRATION_LOCK = 0x7061726c6579;

/** What to do at start about pending migrations: apply them, or refuse to start. */
export type MigratePolicy = 'auto' | 'check';

export class PendingMigrationsError extends Error {
  constructor(
    readonly location: string,
    readonly pending: string[],
  ) {
    super(
      `The database at ${location} is missing ${pending.length} migration${pending.length === 1 ? '' : 's'}: ` +
        `${pending.join(', ')}. Apply ${pending.length === 1 ? 'it' : 'them'} with \`pnpm db:migrate\` ` +
        '(same DATABASE_URL), or start with PARLEY_MIGRATE=auto to apply them at start.',
    );
    this.name = 'PendingMigrationsError';
  }
}

/**
 * Run at start: with `auto`, applies what is pending (under the lock); with `check`, throws
 * PendingMigrationsError when anything is. Returns what was applied and whether the database
 * is ahead of this build.
 */
export async function prepareDatabase(
  handle: DbHandle,
  policy: MigratePolicy,
  folder = MIGRATIONS_FOLDER,
): Promise<{ applied: string[]; ahead: boolean }> {
  if (policy === 'auto') {
    const applied = await migrate(handle, folder);
    return {
      applied,
      ahead: applied.length === 0 && (await migrationStatus(handle, folder)).ahead,
    };
  }
  const status = await migrationStatus(handle, folder);
  if (status.pending.length > 0) throw new PendingMigrationsError(handle.location, status.pending);
  return { applied: [], ahead: status.ahead };
}
