import { createHash, randomBytes } from 'node:crypto';
import { LIMITS } from '@parley/api-contract/limits';
import type { adminInputs, SignUpMode } from '@parley/api-contract/schemas';
import {
  apiTokens,
  type Db,
  type DbOrTx,
  invites,
  sessions,
  workspaceSettings as settingsTable,
  users,
} from '@parley/db';
import { and, asc, eq, gt, ilike, isNull, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { fail, ok, type Result } from '../errors.js';

/** The workspace's sign-up mode (one row, `open` until the owner changes it). */
export async function workspaceSettings(
  db: DbOrTx,
): Promise<{ signUp: SignUpMode; hasUsers: boolean }> {
  const [row] = await db
    .select({
      signUp: sql<SignUpMode | null>`(select ${settingsTable.signUp} from ${settingsTable} where ${settingsTable.id} = 1)`,
      hasUsers: sql<boolean>`exists (select 1 from ${users})`,
    })
    .from(sql`(select 1) as one`);
  return { signUp: row?.signUp ?? 'open', hasUsers: row?.hasUsers ?? false };
}

export async function updateSettings(
  db: Db,
  input: z.output<typeof adminInputs.updateSettings>,
): Promise<{ signUp: SignUpMode }> {
  await db
    .insert(settingsTable)
    .values({ id: 1, signUp: input.signUp })
    .onConflictDoUpdate({ target: settingsTable.id, set: { signUp: input.signUp } });
  return { signUp: input.signUp };
}

const hashCode = (code: string) => createHash('sha256').update(code).digest('base64url');

const inviteColumns = {
  id: invites.id,
  createdAt: invites.createdAt,
  expiresAt: invites.expiresAt,
  maxUses: invites.maxUses,
  uses: invites.uses,
  revokedAt: invites.revokedAt,
};

type InviteRow = { [K in keyof typeof inviteColumns]: (typeof invites.$inferSelect)[K] };

function inviteView(row: InviteRow) {
  const now = Date.now();
  const status = row.revokedAt
    ? ('revoked' as const)
    : row.expiresAt && row.expiresAt.getTime() <= now
      ? ('expired' as const)
      : row.maxUses !== null && row.uses >= row.maxUses
        ? ('used up' as const)
        : ('active' as const);
  return {
    ...row,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    status,
  };
}

/** A new invite; its code is returned once (only a hash is kept), with the link path. */
export async function createInvite(
  db: Db,
  ownerId: string,
  input: z.output<typeof adminInputs.createInvite>,
) {
  const code = randomBytes(18).toString('base64url');
  const expiresAt =
    input.expiresInHours === undefined
      ? null
      : new Date(Date.now() + input.expiresInHours * 3_600_000);
  const [row] = await db
    .insert(invites)
    .values({
      codeHash: hashCode(code),
      createdBy: ownerId,
      expiresAt,
      maxUses: input.maxUses ?? null,
    })
    .returning(inviteColumns);
  if (!row) throw new Error('invite insert returned nothing');
  return { invite: inviteView(row), code, path: `/?invite=${code}` };
}

export async function listInvites(db: Db) {
  const rows = await db
    .select(inviteColumns)
    .from(invites)
    .orderBy(sql`${invites.createdAt} desc`)
    .limit(LIMITS.inviteListMax);
  return rows.map(inviteView);
}

export async function revokeInvite(
  db: Db,
  inviteId: string,
): Promise<Result<{ inviteId: string }>> {
  const [row] = await db
    .update(invites)
    .set({ revokedAt: sql`coalesce(${invites.revokedAt}, now())` })
    .where(eq(invites.id, inviteId))
    .returning({ id: invites.id });
  if (!row) return fail('NOT_FOUND', 'Invite not found.');
  return ok({ inviteId });
}

/** Uses the invite once, if it is still valid; false if not (in the same transaction). */
export async function consumeInvite(tx: DbOrTx, code: string): Promise<boolean> {
  const [row] = await tx
    .update(invites)
    .set({ uses: sql`${invites.uses} + 1` })
    .where(
      and(
        eq(invites.codeHash, hashCode(code)),
        isNull(invites.revokedAt),
        or(isNull(invites.expiresAt), gt(invites.expiresAt, sql`now()`)),
        or(isNull(invites.maxUses), sql`${invites.uses} < ${invites.maxUses}`),
      ),
    )
    .returning({ id: invites.id });
  return row !== undefined;
}

/** The workspace's people, by username, a page at a time (`cursor`: the last username seen). */
export async function listUsers(db: Db, input: z.output<typeof adminInputs.users>) {
  const search = input?.search;
  const cursor = input?.cursor;
  const pattern = search ? `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const rows = await db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      createdAt: users.createdAt,
      deactivatedAt: users.deactivatedAt,
    })
    .from(users)
    .where(
      and(
        cursor ? gt(users.username, cursor) : undefined,
        pattern ? or(ilike(users.username, pattern), ilike(users.displayName, pattern)) : undefined,
      ),
    )
    .orderBy(asc(users.username))
    .limit(LIMITS.userPageMax + 1);
  const page = rows.slice(0, LIMITS.userPageMax);
  return {
    users: page.map((u) => ({
      ...u,
      createdAt: u.createdAt.toISOString(),
      deactivatedAt: u.deactivatedAt?.toISOString() ?? null,
      deactivated: u.deactivatedAt !== null,
    })),
    nextCursor: rows.length > LIMITS.userPageMax ? (page.at(-1)?.username ?? null) : null,
  };
}

/**
 * Deactivates a user: they can no longer sign in, and every session and bot token of theirs is
 * revoked; returns those ids so the caller closes their sockets. The owner cannot deactivate
 * themself (the workspace would have no one to run it).
 */
export async function deactivateUser(
  db: Db,
  ownerId: string,
  userId: string,
): Promise<Result<{ userId: string; sessionIds: string[]; tokenIds: string[] }>> {
  if (userId === ownerId) {
    return fail('BAD_REQUEST', 'You cannot deactivate your own account: you own the workspace.');
  }
  return db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ deactivatedAt: sql`coalesce(${users.deactivatedAt}, now())` })
      .where(eq(users.id, userId))
      .returning({ id: users.id });
    if (!user) return fail('NOT_FOUND', 'User not found.');
    const now = new Date();
    const revokedSessions = await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    const revokedTokens = await tx
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    return ok({
      userId,
      sessionIds: revokedSessions.map((s) => s.id),
      tokenIds: revokedTokens.map((t) => t.id),
    });
  });
}

/** Lets a deactivated user sign in again (their old sessions and tokens stay revoked). */
export async function reactivateUser(db: Db, userId: string): Promise<Result<{ userId: string }>> {
  const [user] = await db
    .update(users)
    .set({ deactivatedAt: null })
    .where(eq(users.id, userId))
    .returning({ id: users.id });
  if (!user) return fail('NOT_FOUND', 'User not found.');
  return ok({ userId });
}
