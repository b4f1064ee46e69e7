import { initTRPC, TRPCError } from '@trpc/server';
import type { Context } from './context.js';
import { overLimit } from './http/rate-limits.js';

const t = initTRPC.context<Context>().create();

export const router = t.router;
export const mergeRouters = t.mergeRouters;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure;

/** Signed in, by session or bot token. */
export const authedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.caller) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first.' });
  }
  return next({ ctx: { ...ctx, caller: ctx.caller } });
});

/** Signed in as a person: bot tokens cannot manage credentials. */
export const sessionProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.caller.sessionId) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'Bot tokens cannot do this; sign in as a person.',
    });
  }
  return next({ ctx: { ...ctx, sessionId: ctx.caller.sessionId } });
});

export async function enforceLimit(
  limiter: Parameters<typeof overLimit>[0],
  key: string,
  message: string,
): Promise<void> {
  const wait = await overLimit(limiter, key);
  if (wait !== null) {
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `${message} Try again in ${wait} second${wait === 1 ? '' : 's'}.`,
    });
  }
}
