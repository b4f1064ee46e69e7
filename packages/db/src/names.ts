import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import unhomoglyph from 'unhomoglyph';
import type { DbOrTx } from './client.js';
import { queryRows } from './raw.js';
import { rooms, users } from './schema.js';

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The skeleton of Unicode TR39 §4: NFD, default-ignorable code points (zero-width spaces and
 * joiners, soft hyphens…) removed, each character replaced by its prototype from
 * confusables.txt (the `unhomoglyph` package holds that table), NFD again. Two strings that
 * look alike have the same skeleton (“gеneral” with a Cyrillic е, “g\u200beneral”).
 */
export function skeleton(s: string): string {
  return unhomoglyph(s.normalize('NFD').replace(IGNORABLE, '')).normalize('NFD');
}

/**
 * What two names must not share: NFKC, the skeleton, lower case, the skeleton again (so
 * “GENERАL” meets “general”, and a capital I meets l as it does on screen), runs of spaces as
 * one. Not for display.
 */
export function nameKey(name: string): string {
  const once = skeleton(name.normalize('NFKC').trim().replace(/\s+/g, ' '));
  return skeleton(once.toLowerCase());
}

/**
 * Gives rows written before migration 0002 (or by an older build) their name keys. Run after
 * every migration (migrate.ts): it finds nothing to do once done. Public rooms are unique on
 * their key; when an existing database already has two lookalike public rooms, the older one
 * keeps the key and the newer stays without one (it keeps working; only new rooms are refused).
 */
export async function backfillNameKeys(db: DbOrTx): Promise<{ rooms: number; users: number }> {
  let roomCount = 0;
  let userCount = 0;
  // A database migrated only part of the way (tests do that) has no keys to fill yet.
  const [columns] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from information_schema.columns
      where table_schema = current_schema() and column_name in ('name_key', 'username_key')
        and table_name in ('rooms', 'users')`,
  );
  if (columns?.n !== 2) return { rooms: 0, users: 0 };
  for (;;) {
    const batch = await db
      .select({ id: users.id, username: users.username })
      .from(users)
      .where(isNull(users.usernameKey))
      .limit(500);
    for (const u of batch) {
      await db
        .update(users)
        .set({ usernameKey: nameKey(u.username) })
        .where(eq(users.id, u.id));
    }
    userCount += batch.length;
    if (batch.length < 500) break;
  }
  // Lookalike duplicates stay without a key and are looked at again next time (they are few).
  const todo = await db
    .select({ id: rooms.id, name: rooms.name, kind: rooms.kind })
    .from(rooms)
    .where(and(isNull(rooms.nameKey), isNotNull(rooms.name)))
    .orderBy(asc(rooms.createdAt), asc(rooms.id));
  for (const room of todo) {
    const key = nameKey(room.name ?? '');
    const taken =
      room.kind === 'public'
        ? sql`exists (select 1 from ${rooms} o where o.kind = 'public' and o.name_key = ${key})`
        : sql`false`;
    // A lookalike room created meanwhile by a running server is a duplicate like any other.
    const updated = await db
      .update(rooms)
      .set({ nameKey: key })
      .where(and(eq(rooms.id, room.id), sql`not ${taken}`))
      .returning({ id: rooms.id })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) return [];
        throw error;
      });
    roomCount += updated.length;
  }
  return { rooms: roomCount, users: userCount };
}

function isUniqueViolation(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return (error as { code?: unknown }).code === '23505' || cause?.code === '23505';
}
