import { authInputs } from '@parley/api-contract/schemas';
import { TRPCError } from '@trpc/server';
import type { Context } from '../context.js';
import { unwrap } from '../errors.js';
import { roomsOf } from '../rooms/members.js';
import {
  authedProcedure,
  enforceLimit,
  limit,
  publicProcedure,
  router,
  sessionProcedure,
} from '../trpc.js';
import { clearSessionCookie, setSessionCookie } from './cookies.js';
import {
  changePassword,
  type Device,
  listSessions,
  revokeOwnSession,
  revokeSession,
  type SignedIn,
  signIn,
  updateProfile,
} from './service.js';
import { signUpWithPolicy } from './sign-up.js';

/** Browsers get the token as an httpOnly cookie; other programs use the returned token. */
function respond(ctx: Pick<Context, 'http' | 'deps'>, signedIn: SignedIn) {
  if (ctx.http) {
    setSessionCookie(
      ctx.http.req,
      ctx.http.res,
      signedIn.token,
      signedIn.expiresAt,
      ctx.deps.config.trustProxy,
    );
  }
  return { user: signedIn.user, token: signedIn.token };
}

function deviceOf(ctx: Pick<Context, 'http' | 'ip'>): Device {
  return { userAgent: ctx.http?.req.headers['user-agent'] ?? null, address: ctx.ip };
}

export const authRouter = router({
  signUp: publicProcedure.input(authInputs.signUp).mutation(async ({ ctx, input }) => {
    const { limits, db, config } = ctx.deps;
    await enforceLimit(limits.signInAddress, ctx.ip, 'Too many attempts from your address.');
    const signedUp = unwrap(await signUpWithPolicy(db, config, input, deviceOf(ctx)));
    // The address is familiar to the account from now on (never slowed by the sign-in guard).
    await limits.signIn.succeeded({
      username: signedUp.user.username,
      address: ctx.ip,
      charged: false,
    });
    return respond(ctx, signedUp);
  }),

  signIn: publicProcedure.input(authInputs.signIn).mutation(async ({ ctx, input }) => {
    const { limits, db, config } = ctx.deps;
    await enforceLimit(
      limits.signInAddress,
      ctx.ip,
      'Too many sign-in attempts from your address.',
    );
    // Waiting is never a lock: it ends, and the password is not tried meanwhile, so guessing
    // confirms nothing while limited.
    const attempt = await limits.signIn.check(input.username, ctx.ip);
    if ('wait' in attempt) {
      const { wait } = attempt;
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `Too many sign-in attempts for this account. Try again in ${wait} second${wait === 1 ? '' : 's'}.`,
      });
    }
    const result = await signIn(db, config, input, deviceOf(ctx));
    if (result.ok) await limits.signIn.succeeded(attempt);
    else await limits.signIn.failed(attempt);
    return respond(ctx, unwrap(result));
  }),

  signOut: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.caller.sessionId) {
      await revokeSession(ctx.deps.db, ctx.caller.sessionId);
      ctx.deps.events.sessionRevoked(ctx.caller.sessionId);
    }
    if (ctx.http) clearSessionCookie(ctx.http.res);
    return { ok: true as const };
  }),

  /** The signed-in user (with their workspace role), or null. */
  me: publicProcedure.query(({ ctx }) =>
    ctx.caller ? { ...ctx.caller.user, role: ctx.caller.role } : null,
  ),

  /** A new display name, live wherever the user appears. */
  updateProfile: sessionProcedure
    .use(limit('account', 'changing your profile'))
    .input(authInputs.updateProfile)
    .mutation(async ({ ctx, input }) => {
      const { db, events } = ctx.deps;
      const user = unwrap(await updateProfile(db, ctx.caller, input));
      const rooms = await roomsOf(db, user.id);
      events.userUpdated(
        user,
        rooms.map((r) => r.id),
      );
      return user;
    }),

  /** Verifies the current password; every other session of the user ends (sockets close). */
  changePassword: sessionProcedure
    .use(limit('account', 'changing your password'))
    .input(authInputs.changePassword)
    .mutation(async ({ ctx, input }) => {
      const { db, config, events } = ctx.deps;
      const { revokedSessionIds } = unwrap(
        await changePassword(
          db,
          config,
          { userId: ctx.caller.user.id, sessionId: ctx.sessionId },
          input,
        ),
      );
      for (const id of revokedSessionIds) events.sessionRevoked(id, 'password-changed');
      return { ok: true as const, signedOutSessions: revokedSessionIds.length };
    }),

  /** My sessions that still work (devices), the current one marked. */
  sessions: sessionProcedure.query(({ ctx }) =>
    listSessions(ctx.deps.db, ctx.caller.user.id, ctx.sessionId),
  ),

  revokeSession: sessionProcedure
    .use(limit('account', 'signing out sessions'))
    .input(authInputs.revokeSession)
    .mutation(async ({ ctx, input }) => {
      const result = unwrap(
        await revokeOwnSession(ctx.deps.db, ctx.caller.user.id, input.sessionId),
      );
      ctx.deps.events.sessionRevoked(input.sessionId);
      return result;
    }),
});
