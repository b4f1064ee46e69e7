import { type DbOrTx, nameKey, users } from '@parley/db';
import { and, inArray, ne } from 'drizzle-orm';
import { fail, ok, type Result } from '../errors.js';

/**
 * Words that speak for the workspace: only its owner may be called so. Compared by name key,
 * so “Аdmin” with a Cyrillic А is the same word.
 */
const RESERVED = ['admin', 'administrator', 'owner', 'moderator', 'system', 'parley'];
const RESERVED_KEYS = new Set(RESERVED.map(nameKey));

/**
 * Whether `displayName` may be used by this person. Display names are not unique (two people
 * may both be “Ana”), but one may not look like someone else's username (“admin”, “Adm1n”,
 * “ana” for @ana), in any case, since people recognise each other by it; nor be one of the
 * reserved words unless the owner takes it. Their own username, in any style, is always fine.
 * (The contract's schema has already NFKC-normalised it and refused direction controls.)
 */
export async function checkDisplayName(
  db: DbOrTx,
  displayName: string,
  self: { id: string | null; username: string; owner: boolean },
): Promise<Result<void>> {
  const keys = [...new Set([nameKey(displayName), nameKey(displayName.toLowerCase())])];
  if (keys.includes(nameKey(self.username))) return ok(undefined);
  if (!self.owner && keys.some((k) => RESERVED_KEYS.has(k))) {
    return fail(
      'BAD_REQUEST',
      `“${displayName}” is reserved for the workspace owner: choose another display name.`,
    );
  }
  const [other] = await db
    .select({ username: users.username })
    .from(users)
    .where(and(inArray(users.usernameKey, keys), self.id ? ne(users.id, self.id) : undefined))
    .limit(1);
  if (other) {
    return fail(
      'CONFLICT',
      `“${displayName}” looks like the username of @${other.username}: choose a display name that does not.`,
    );
  }
  return ok(undefined);
}
