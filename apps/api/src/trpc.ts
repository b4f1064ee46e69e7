import { initTRPC, TRPCError } from '@trpc/server';
import type { Context } from './context.js';
import { overLimit } from './http/rate-limits.js';

/** The issues of a failed input validation (a zod error), as `{ path, message }`. */
function validationIssues(cause: unknown): Array<{ path: string; message: string }> | null {
  if (!(cause instanceof Error) || !('issues' in cause) || !Array.isArray(cause.issues))
    return null;
  return cause.issues.map((issue: { path?: PropertyKey[]; message?: string }) => ({
    path: (issue.path ?? []).map(String).join('.'),
    message: issue.message ?? 'Invalid input.',
  }));
}

const t = initTRPC.context<Context>().create({
  // Subscriptions go over WebSocket only, where the socket registry can end them when a
  // session is revoked and the slow-consumer watchdog applies; HTTP is queries and mutations.
  sse: { enabled: false },
  // Validation failures read as sentences ("A message cannot be empty."), not a JSON dump of
  // zod issues; the issues stay available, by field, in `data.issues`.
  errorFormatter({ shape, error }) {
    const issues = error.code === 'BAD_REQUEST' ? validationIssues(error.cause) : null;
    if (!issues) return shape;
    const message = issues
      .map((i) => (/[.!?]$/.test(i.message) ? i.message : `${i.path || 'input'}: ${i.message}.`))
      .join(' ');
    return { ...shape, message, data: { ...shape.data, issues } };
  },
});

export const router = t.router;

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
