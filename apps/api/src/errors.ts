import { TRPCError } from '@trpc/server';

/** The failures services report; each is a tRPC error code at the edge. */
export type Failure =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS';

type Failed = { ok: false; error: Failure; message: string; retryAfterMs?: number };
export type Result<T> = { ok: true; value: T } | Failed;

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: Failure, message: string): Failed => ({
  ok: false,
  error,
  message,
});

/**
 * The cause of a refusal that may be retried after a while (TOO_MANY_REQUESTS): the error
 * formatter sends `ms` to clients as `error.data.retryAfterMs`.
 */
export class RetryLater extends Error {
  constructor(readonly ms: number) {
    super(`retry after ${ms} ms`);
  }
}

/** "Try again in 0.3 seconds." / "… in 1 second." / "… in 12 seconds.", for `ms`. */
export function tryAgainIn(ms: number): string {
  const seconds = ms < 1000 ? Math.max(0.1, Math.ceil(ms / 100) / 10) : Math.ceil(ms / 1000);
  return `Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
}

/** A TOO_MANY_REQUESTS refusal whose message and `retryAfterMs` say when to try again. */
export const busy = (message: string, retryAfterMs: number): Failed => ({
  ok: false,
  error: 'TOO_MANY_REQUESTS',
  message: `${message} ${tryAgainIn(retryAfterMs)}`,
  retryAfterMs,
});

/** Used by routers: a service's failure becomes a TRPCError with the same code. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new TRPCError({
    code: result.error,
    message: result.message,
    cause: result.retryAfterMs === undefined ? undefined : new RetryLater(result.retryAfterMs),
  });
}

/**
 * An unexpected failure whose message is safe and useful for the client ("storage full").
 * Any other INTERNAL_SERVER_ERROR reaches clients as a generic message and a request id.
 */
export class ExplainedFailure extends Error {}

/** A unique violation (error code 23505), as the driver reports it, wrapped or not. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
