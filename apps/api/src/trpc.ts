import { initTRPC, TRPCError } from '@trpc/server';
import type { Context } from './context.js';
import { ExplainedFailure, RetryLater } from './errors.js';
import { overLimit } from './http/rate-limits.js';
import { requestIdOf } from './http/request-ids.js';
import type { RateName } from './limits/settings.js';
import { tap } from './live/tap.js';
import { isStorageFailure, STORAGE_FULL } from './storage/space.js';

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
    // A stack names files and, for a failed query, holds its SQL: the log has it, clients never.
    const { stack: _stack, ...data } = shape.data;
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      // Unexpected: the message may hold SQL, parameters or hashes. Clients get a sentence and
      // an id that finds the detail in the log (onError logs it under the same id).
      const requestId = requestIdOf(error);
      const explained =
        error.cause instanceof ExplainedFailure
          ? error.cause.message
          : isStorageFailure(error.cause)
            ? STORAGE_FULL
            : null;
      const message = explained
        ? `${explained} (request ${requestId})`
        : `Something went wrong on the server (request ${requestId}). Please try again.`;
      return { ...shape, message, data: { ...data, requestId } };
    }
    if (error.message === 'Batch call exceeds maximum size') {
      return {
        ...shape,
        message:
          'Too many calls in one batch request: send fewer at a time (see PARLEY_MAX_BATCH).',
        data,
      };
    }
    if (error.cause instanceof RetryLater) {
      // How long to wait, for programs: the message says it in words.
      return { ...shape, data: { ...data, retryAfterMs: error.cause.ms } };
    }
    const issues = error.code === 'BAD_REQUEST' ? validationIssues(error.cause) : null;
    if (!issues) return { ...shape, data };
    const message = issues
      .map((i) => (/[.!?]$/.test(i.message) ? i.message : `${i.path || 'input'}: ${i.message}.`))
      .join(' ');
    return { ...shape, message, data: { ...data, issues } };
  },
});

export const router = t.router;

const TOO_MANY_SUBSCRIPTIONS = (max: number) =>
  `This connection has ${max} subscriptions open, the most allowed. Unsubscribe from one first.`;
const TOO_MANY_IN_FLIGHT = (max: number) =>
  `This connection has ${max} calls running, the most allowed. Wait for one to finish.`;

function jsonBytes(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value) ?? '');
}

/**
 * The bounds every call shares: over a WebSocket, at most so many subscriptions and so many
 * calls in flight per socket (a frame may carry an array of hundreds of calls); and no query
 * result larger than `maxResponseBytes` is sent: it is refused with PAYLOAD_TOO_LARGE.
 */
/** Every call is observed for the metrics (ops/metrics.ts): subscriptions and deliveries. */
const observed = t.procedure.use(({ ctx, type, path, next }) =>
  ctx.deps.metrics.observeProcedure(type, path, next),
);

const bounded = observed.use(async ({ ctx, type, path, next }) => {
  const { limits } = ctx.deps.config;
  // Writes wait for room on the disk ("storage full"); typing signals touch no storage.
  if (type === 'mutation' && path !== 'live.typing') await ctx.deps.storage.assertWritable();
  const socket = ctx.socket;
  if (type === 'subscription') {
    if (!socket) return next();
    if (socket.subscriptions >= limits.maxSubscriptionsPerSocket) {
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: TOO_MANY_SUBSCRIPTIONS(limits.maxSubscriptionsPerSocket),
      });
    }
    socket.subscriptions++;
    let released = false;
    const release = () => {
      if (!released) socket.subscriptions--;
      released = true;
    };
    const result = await next();
    if (!result.ok || !isAsyncIterable(result.data)) {
      release();
      return result;
    }
    // Counted until the stream ends, however it ends (completion, error, unsubscribe).
    return { ...result, data: tap(result.data, { end: release }) };
  }
  if (socket) {
    if (socket.inFlight >= limits.maxInFlightPerSocket) {
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: TOO_MANY_IN_FLIGHT(limits.maxInFlightPerSocket),
      });
    }
    socket.inFlight++;
  }
  try {
    const result = await next();
    if (type === 'query' && result.ok) {
      const size = jsonBytes(result.data);
      if (size > limits.maxResponseBytes) {
        throw new TRPCError({
          code: 'PAYLOAD_TOO_LARGE',
          message: `This answer would be ${Math.ceil(size / 1024)} KiB, more than the ${Math.floor(limits.maxResponseBytes / 1024)} KiB allowed. Ask for less (a smaller limit).`,
        });
      }
    }
    return result;
  } finally {
    if (socket) socket.inFlight--;
  }
});

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

export const publicProcedure = bounded;

/** Signed in, by session or bot token. */
export const authedProcedure = bounded.use(({ ctx, next }) => {
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

/** The workspace owner, signed in as a person. */
export const ownerProcedure = sessionProcedure.use(({ ctx, next }) => {
  if (ctx.caller.role !== 'owner') {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'Only the workspace owner can do this.',
    });
  }
  return next();
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
      cause: new RetryLater(wait * 1000),
    });
  }
}

/**
 * A writing mutation's rate limit, per user (per address before sign-in); see the README's
 * Limits table. `doing` reads "You are <doing> faster than Parley allows."
 */
export function limit(name: RateName, doing: string) {
  return t.middleware(async ({ ctx, next }) => {
    await enforceLimit(
      ctx.deps.limits.rates[name],
      ctx.caller?.user.id ?? `address:${ctx.ip}`,
      `You are ${doing} faster than Parley allows.`,
    );
    return next();
  });
}
