import type { IncomingMessage, ServerResponse } from 'node:http';
import { readCookie, SESSION_COOKIE } from '../auth/cookies.js';

/** What an HTML form can send without a CORS preflight; no procedure takes any of them. */
const FORM_TYPES = new Set([
  'multipart/form-data',
  'application/x-www-form-urlencoded',
  'text/plain',
]);

/**
 * Authenticated by the password in their input, not by the cookie: a stale cookie in the jar
 * must not stop someone signing in. (A form cannot post them: forms are refused above, and a
 * JSON post from another origin needs a CORS preflight that Parley never grants.)
 */
const PASSWORD_AUTHENTICATED = new Set(['auth.signIn', 'auth.signUp']);

/** The procedures a /trpc/ URL names (several for a batch). */
function procedurePaths(req: IncomingMessage): string[] {
  const pathname = (req.url ?? '').split('?')[0] ?? '';
  return decodeURIComponent(pathname.replace(/^\/trpc\//, '')).split(',');
}

/** The header the web app sends on every call; another site's page cannot set it unasked. */
export const CLIENT_HEADER = 'x-parley-client';

/** Own origin, or one the operator allowed: the only pages that may use the cookie. */
export function isAllowedOrigin(origin: string, host: string | undefined, allowed: string[]) {
  if (allowed.includes(origin)) return true;
  if (!host) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}

/**
 * Cross-site request forgery: a page elsewhere (another port of the same site counts as the
 * same site for SameSite cookies) can make the browser POST a form with the session cookie.
 * So a POST in a form's content type is refused outright, and a cookie-authenticated POST
 * must come from an allowed Origin (or, without an Origin, carry the web app's header).
 * Bearer-token calls carry no ambient credential and are not affected.
 * Returns the refusal (status and message), or null to go on.
 */
export function csrfRefusal(
  req: IncomingMessage,
  allowedOrigins: string[],
): { status: number; code: string; message: string } | null {
  if (req.method !== 'POST') return null;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (FORM_TYPES.has(type)) {
    return {
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Parley takes JSON (Content-Type: application/json), not forms.',
    };
  }
  if (req.headers.authorization?.startsWith('Bearer ')) return null;
  if (readCookie(req, SESSION_COOKIE) === undefined) return null;
  if (procedurePaths(req).every((path) => PASSWORD_AUTHENTICATED.has(path))) return null;
  const origin = req.headers.origin;
  const allowed =
    origin !== undefined
      ? isAllowedOrigin(origin, req.headers.host, allowedOrigins)
      : req.headers[CLIENT_HEADER] !== undefined;
  if (allowed) return null;
  return {
    status: 403,
    code: 'FORBIDDEN',
    message: 'This request came from another site and was refused.',
  };
}

/** Answers a refusal in tRPC's error shape, so clients read it like any other error. */
export function sendRefusal(
  res: ServerResponse,
  refusal: { status: number; code: string; message: string },
): void {
  const body = JSON.stringify({
    error: {
      message: refusal.message,
      code: -32600,
      data: { code: refusal.code, httpStatus: refusal.status },
    },
  });
  res.writeHead(refusal.status, { 'Content-Type': 'application/json' }).end(body);
}
