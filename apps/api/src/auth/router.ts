import { authInputs } from '@parley/api-contract/schemas';
import { TRPCError } from '@trpc/server';
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
    const signedUp = unwrap(await signUp(db, config, input));
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
    const result = await signIn(db, config, input);
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

  /** The signed-in user, or null. */
  me: publicProcedure.query(({ ctx }) => ctx.caller?.user ?? null),
});
