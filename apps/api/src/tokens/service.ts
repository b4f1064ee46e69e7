import { LIMITS } from '@parley/api-contract/limits';
import { apiTokens, type Db } from '@parley/db';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { newBotSecret } from '../auth/service.js';
import { hashBotSecret } from '../auth/session-tokens.js';
import { fail, ok, type Result } from '../errors.js';

const publicColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
};

/** Creates a bot token acting as the user. The secret is returned once and never stored. */
export async function createToken(db: Db, userId: string, name: string) {
  const secret = newBotSecret();
  const [row] = await db
    .insert(apiTokens)
    .values({ userId, name, secretHash: hashBotSecret(secret) })
    .returning(publicColumns);
  if (!row) throw new Error('token insert returned nothing');
  return { token: { ...row, createdAt: row.createdAt.toISOString() }, secret };
}

export async function listTokens(db: Db, userId: string) {
  const rows = await db
    .select(publicColumns)
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt))
    .limit(LIMITS.tokenListMax);
  return rows.map((r) => ({
    ...r,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  }));
}

export async function revokeToken(
  db: Db,
  userId: string,
  tokenId: string,
): Promise<Result<{ tokenId: string }>> {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(
      and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)),
    )
    .returning({ id: apiTokens.id });
  if (!row) {
    const [existing] = await db
      .select({ id: apiTokens.id })
      .from(apiTokens)
      .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)));
    if (!existing) return fail('NOT_FOUND', 'Token not found.');
  }
  return ok({ tokenId });
}
