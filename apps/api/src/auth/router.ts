import { authInputs } from '@parley/api-contract/schemas';
import type { Context } from '../context.js';
import { unwrap } from '../errors.js';
import { authedProcedure, enforceLimit, publicProcedure, router } from '../trpc.js';
import { clearSessionCookie, setSessionCookie } from './cookies.js';
import { revokeSession, type SignedIn, signIn, signUp } from './service.js';

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

export const authRouter = router({
  signUp: publicProcedure.input(authInputs.signUp).mutation(async ({ ctx, input }) => {
    const { limits, db, config } = ctx.deps;
    await enforceLimit(limits.signInAddress, ctx.ip, 'Too many attempts from your address.');
    return respond(ctx, unwrap(await signUp(db, config, input)));
  }),

  signIn: publicProcedure.input(authInputs.signIn).mutation(async ({ ctx, input }) => {
    const { limits, db, config } = ctx.deps;
    await enforceLimit(
      limits.signInAddress,
      ctx.ip,
      'Too many sign-in attempts from your address.',
    );
    await enforceLimit(
      limits.signInUser,
      input.username,
      'Too many sign-in attempts for this account.',
    );
    return respond(ctx, unwrap(await signIn(db, config, input)));
  }),

  signOut: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.caller.sessionId) {
      await revokeSession(ctx.deps.db, ctx.caller.sessionId);
      ctx.deps.events.sessionRevoked(ctx.caller.sessionId);
    }
    if (ctx.http) clearSessionCookie(ctx.http.res);
    return { ok: true as const };
  }),

  /** The signed-in user, or null. */
  me: publicProcedure.query(({ ctx }) => ctx.caller?.user ?? null),
});
