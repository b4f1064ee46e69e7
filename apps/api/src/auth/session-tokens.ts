import { createHash } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

const ISSUER = 'parley';

function keyFrom(secret: string): Uint8Array {
  // Derive a fixed-length HMAC key from the configured secret.
  return createHash('sha256').update(`parley-jwt:${secret}`).digest();
}

/** A signed JWT that carries the session id; the session row decides if it is still valid. */
export async function signSessionToken(
  secret: string,
  claims: { sessionId: string; userId: string; expiresAt: Date },
): Promise<string> {
  return new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setSubject(claims.userId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(claims.expiresAt.getTime() / 1000))
    .sign(keyFrom(secret));
}

/** The session id, or null for a forged, expired or malformed token. */
export async function verifySessionToken(secret: string, token: string): Promise<string | null> {
  try {
    const { payload } = await jwtVerify(token, keyFrom(secret), {
      issuer: ISSUER,
      algorithms: ['HS256'],
    });
    return typeof payload.sid === 'string' ? payload.sid : null;
  } catch {
    return null;
  }
}

export const BOT_TOKEN_PREFIX = 'pat_';

export function hashBotSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
