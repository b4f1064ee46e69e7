import { randomBytes } from 'node:crypto';
import type { authInputs, UserRef } from '@parley/api-contract/schemas';
import { apiTokens, type Db, sessions, users } from '@parley/db';
import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { z } from 'zod';
import { fail, ok, type Result } from '../errors.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.js';
import {
  BOT_TOKEN_PREFIX,
  hashBotSecret,
  signSessionToken,
  verifySessionToken,
} from './session-tokens.js';

/** Who is calling: a person's session or a bot token, never both. */
export type Caller = { user: UserRef } & (
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
  token: string;
  sessionId: string;
  expiresAt: Date;
}

async function startSession(
  db: Db,
  secret: string,
  user: UserRef,
  sessionDays: number,
): Promise<SignedIn> {
  const expiresAt = new Date(Date.now() + sessionDays * 86_400_000);
  const [session] = await db.insert(sessions).values({ userId: user.id, expiresAt }).returning();
  if (!session) throw new Error('session insert returned nothing');
  const token = await signSessionToken(secret, {
    sessionId: session.id,
    userId: user.id,
    expiresAt,
  });
  return { user, token, sessionId: session.id, expiresAt };
}

export async function signUp(
  db: Db,
  opts: { secret: string; sessionDays: number },
  input: z.output<typeof authInputs.signUp>,
): Promise<Result<SignedIn>> {
  const passwordHash = await hashPassword(input.password);
  const [user] = await db
    .insert(users)
    .values({
      username: input.username,
      displayName: input.displayName ?? input.username,
      passwordHash,
    })
    .onConflictDoNothing()
    .returning(userRefColumns);
  if (!user) return fail('CONFLICT', `The username “${input.username}” is taken.`);
  return ok(await startSession(db, opts.secret, user, opts.sessionDays));
}

export async function signIn(
  db: Db,
  opts: { secret: string; sessionDays: number },
  input: z.output<typeof authInputs.signIn>,
): Promise<Result<SignedIn>> {
  const [row] = await db
    .select({ ...userRefColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.username, input.username));
  const valid = await verifyPassword(input.password, row?.passwordHash ?? DUMMY_HASH);
  if (!row?.passwordHash || !valid) {
    return fail('UNAUTHORIZED', 'Wrong username or password.');
  }
  const { passwordHash: _, ...user } = row;
  return ok(await startSession(db, opts.secret, user, opts.sessionDays));
}

export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Resolves a bearer, cookie or connectionParams token to a caller, or null. */
export async function resolveToken(db: Db, secret: string, token: string): Promise<Caller | null> {
  if (token.startsWith(BOT_TOKEN_PREFIX)) {
    const [row] = await db
      .select({ tokenId: apiTokens.id, ...userRefColumns })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.secretHash, hashBotSecret(token)), isNull(apiTokens.revokedAt)));
    if (!row) return null;
    const { tokenId, ...user } = row;
    // At most one write a minute per token: enough to see which tokens are in use.
    void db
      .update(apiTokens)
      .set({ lastUsedAt: new Date() })
      .where(
        and(
          eq(apiTokens.id, tokenId),
          or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(Date.now() - 60_000))),
        ),
      )
      .catch(() => {});
    return { user, tokenId };
  }
  const sessionId = await verifySessionToken(secret, token);
  if (!sessionId) return null;
  const [row] = await db
    .select(userRefColumns)
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, sessionId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, new Date()),
      ),
    );
  return row ? { user: row, sessionId } : null;
}

export function newBotSecret(): string {
  return `${BOT_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}
