import { randomBytes } from 'node:crypto';
import { LIMITS } from '@parley/api-contract/limits';
import type { authInputs, UserRef, WorkspaceRole } from '@parley/api-contract/schemas';
import { apiTokens, type Db, type DbOrTx, nameKey, sessions, users } from '@parley/db';
import { and, desc, eq, gt, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { fail, ok, type Result } from '../errors.js';
import { checkDisplayName } from './display-names.js';
import {
  dummyHash,
  hashPassword,
  isOutdated,
  type ScryptParams,
  verifyPassword,
} from './passwords.js';
import {
  BOT_TOKEN_PREFIX,
  hashBotSecret,
  signSessionToken,
  verifySessionToken,
} from './session-tokens.js';

/** Who is calling: a person's session or a bot token, never both. */
export type Caller = { user: UserRef; role: WorkspaceRole } & (
  | { sessionId: string; tokenId?: undefined }
  | { tokenId: string; sessionId?: undefined }
);

export const userRefColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
};

export interface SignedIn {
  user: UserRef;
  role: WorkspaceRole;
  token: string;
  sessionId: string;
  expiresAt: Date;
}

/** What a session remembers of the device that started it (shown by `auth.sessions`). */
export interface Device {
  userAgent: string | null;
  address: string;
}

export interface AuthOptions {
  secret: string;
  sessionDays: number;
  passwordHashing: ScryptParams;
}

export async function startSession(
  db: Db,
  opts: AuthOptions,
  user: UserRef & { role: WorkspaceRole },
  device: Device,
): Promise<SignedIn> {
  const { secret, sessionDays } = opts;
  const expiresAt = new Date(Date.now() + sessionDays * 86_400_000);
  const [session] = await db
    .insert(sessions)
    .values({
      userId: user.id,
      expiresAt,
      userAgent: device.userAgent?.slice(0, 300) ?? null,
      address: device.address,
      lastUsedAt: new Date(),
    })
    .returning();
  if (!session) throw new Error('session insert returned nothing');
  const token = await signSessionToken(secret, {
    sessionId: session.id,
    userId: user.id,
    expiresAt,
  });
  const { role, ...ref } = user;
  return { user: ref, role, token, sessionId: session.id, expiresAt };
}

/**
 * Creates the account. The first account of a fresh database becomes the workspace owner:
 * the partial unique index `users_one_owner_key` makes two racing first sign-ups agree.
 * (Sign-up modes and invites are checked by the caller, workspace/service.ts.)
 */
export async function createAccount(
  db: DbOrTx,
  input: Pick<z.output<typeof authInputs.signUp>, 'username' | 'displayName'>,
  passwordHash: string,
): Promise<Result<UserRef & { role: WorkspaceRole }>> {
  const values = {
    username: input.username,
    usernameKey: nameKey(input.username),
    displayName: input.displayName ?? input.username,
    passwordHash,
  };
  const [anyone] = await db.select({ id: users.id }).from(users).limit(1);
  const allowed = await checkDisplayName(db, values.displayName, {
    id: null,
    username: input.username,
    owner: !anyone,
  });
  if (!allowed.ok) return allowed;
  if (!anyone) {
    // Nothing back: the username is taken, or someone else became the owner first (then this
    // account is a member, below).
    const [owner] = await db
      .insert(users)
      .values({ ...values, role: 'owner' })
      .onConflictDoNothing()
      .returning({ ...userRefColumns, role: users.role });
    if (owner) return ok(owner);
  }
  const [user] = await db
    .insert(users)
    .values(values)
    .onConflictDoNothing({ target: users.username })
    .returning({ ...userRefColumns, role: users.role });
  if (!user) return fail('CONFLICT', `The username “${input.username}” is taken.`);
  return ok(user);
}

export const DEACTIVATED =
  'This account has been deactivated by the workspace owner. Ask them to reactivate it.';

export async function signIn(
  db: Db,
  opts: AuthOptions,
  input: z.output<typeof authInputs.signIn>,
  device: Device,
): Promise<Result<SignedIn>> {
  const [row] = await db
    .select({
      ...userRefColumns,
      role: users.role,
      passwordHash: users.passwordHash,
      deactivatedAt: users.deactivatedAt,
    })
    .from(users)
    .where(eq(users.username, input.username));
  const stored = row?.passwordHash ?? (await dummyHash(opts.passwordHashing));
  const valid = await verifyPassword(input.password, stored);
  if (!row?.passwordHash || !valid) {
    return fail('UNAUTHORIZED', 'Wrong username or password.');
  }
  // Said only to whoever knows the password, so it reveals nothing to a guesser.
  if (row.deactivatedAt) return fail('FORBIDDEN', DEACTIVATED);
  const { passwordHash, deactivatedAt: _, ...user } = row;
  if (isOutdated(passwordHash, opts.passwordHashing)) {
    // Raising the cost upgrades each account at its next sign-in. The `where` on the old hash
    // keeps a password changed meanwhile from being overwritten.
    const upgraded = await hashPassword(input.password, opts.passwordHashing);
    await db
      .update(users)
      .set({ passwordHash: upgraded })
      .where(and(eq(users.id, user.id), eq(users.passwordHash, passwordHash)));
  }
  return ok(await startSession(db, opts, user, device));
}

export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Resolves a bearer, cookie or connectionParams token to a caller, or null. */
export async function resolveToken(
  db: Db,
  secret: string,
  token: string,
  /** False while the storage is full: the token's lastUsedAt is not written then. */
  canWrite: () => boolean = () => true,
): Promise<Caller | null> {
  if (token.startsWith(BOT_TOKEN_PREFIX)) {
    const [row] = await db
      .select({ tokenId: apiTokens.id, ...userRefColumns, role: users.role })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(
        and(
          eq(apiTokens.secretHash, hashBotSecret(token)),
          isNull(apiTokens.revokedAt),
          isNull(users.deactivatedAt),
        ),
      );
    if (!row) return null;
    const { tokenId, role, ...user } = row;
    // At most one write a minute per token: enough to see which tokens are in use.
    if (canWrite())
      void db
        .update(apiTokens)
        .set({ lastUsedAt: new Date() })
        .where(
          and(
            eq(apiTokens.id, tokenId),
            or(
              isNull(apiTokens.lastUsedAt),
              lt(apiTokens.lastUsedAt, new Date(Date.now() - 60_000)),
            ),
          ),
        )
        .catch(() => {});
    return { user, role, tokenId };
  }
  const sessionId = await verifySessionToken(secret, token);
  if (!sessionId) return null;
  const [row] = await db
    .select({ ...userRefColumns, role: users.role, lastUsedAt: sessions.lastUsedAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, sessionId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, new Date()),
        isNull(users.deactivatedAt),
      ),
    );
  if (!row) return null;
  const { role, lastUsedAt, ...user } = row;
  if (!lastUsedAt || lastUsedAt.getTime() < Date.now() - 60_000) {
    // At most one write a minute per session: what `auth.sessions` shows as last used.
    void db
      .update(sessions)
      .set({ lastUsedAt: new Date() })
      .where(eq(sessions.id, sessionId))
      .catch(() => {});
  }
  return { user, role, sessionId };
}

// ---- the account: profile, password, sessions ----

export async function updateProfile(
  db: Db,
  caller: { user: UserRef; role: WorkspaceRole },
  input: z.output<typeof authInputs.updateProfile>,
): Promise<Result<UserRef>> {
  const userId = caller.user.id;
  const allowed = await checkDisplayName(db, input.displayName, {
    id: userId,
    username: caller.user.username,
    owner: caller.role === 'owner',
  });
  if (!allowed.ok) return allowed;
  const [user] = await db
    .update(users)
    .set({ displayName: input.displayName })
    .where(eq(users.id, userId))
    .returning(userRefColumns);
  if (!user) return fail('NOT_FOUND', 'Account not found.');
  return ok(user);
}

/**
 * Verifies the current password, stores a hash of the new one and revokes every other session
 * of the user; returns the revoked session ids (their sockets are closed by the caller).
 */
export async function changePassword(
  db: Db,
  opts: AuthOptions,
  caller: { userId: string; sessionId: string },
  input: z.output<typeof authInputs.changePassword>,
): Promise<Result<{ revokedSessionIds: string[] }>> {
  const [row] = await db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, caller.userId));
  if (!row?.passwordHash || !(await verifyPassword(input.currentPassword, row.passwordHash))) {
    return fail('BAD_REQUEST', 'Your current password is not right.');
  }
  const passwordHash = await hashPassword(input.newPassword, opts.passwordHashing);
  const revoked = await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, caller.userId));
    return tx
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(sessions.userId, caller.userId),
          ne(sessions.id, caller.sessionId),
          isNull(sessions.revokedAt),
        ),
      )
      .returning({ id: sessions.id });
  });
  return ok({ revokedSessionIds: revoked.map((r) => r.id) });
}

/** The user's sessions that still work, newest first. */
export async function listSessions(db: Db, userId: string, currentSessionId: string) {
  const rows = await db
    .select({
      id: sessions.id,
      userAgent: sessions.userAgent,
      address: sessions.address,
      createdAt: sessions.createdAt,
      lastUsedAt: sessions.lastUsedAt,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
      ),
    )
    .orderBy(desc(sessions.createdAt))
    .limit(LIMITS.sessionListMax);
  return rows.map((r) => ({
    ...r,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    expiresAt: r.expiresAt.toISOString(),
    current: r.id === currentSessionId,
  }));
}

/** Revokes one of the user's own sessions; someone else's reads as not found. */
export async function revokeOwnSession(
  db: Db,
  userId: string,
  sessionId: string,
): Promise<Result<{ sessionId: string }>> {
  const [row] = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)));
  if (!row) return fail('NOT_FOUND', 'Session not found.');
  await revokeSession(db, sessionId);
  return ok({ sessionId });
}

export function newBotSecret(): string {
  return `${BOT_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}
