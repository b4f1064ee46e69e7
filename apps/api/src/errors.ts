import { TRPCError } from '@trpc/server';

/** The failures services report; each is a tRPC error code at the edge. */
export type Failure =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS';

export type Result<T> = { ok: true; value: T } | { ok: false; error: Failure; message: string };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (
  error: Failure,
  message: string,
): { ok: false; error: Failure; message: string } => ({
  ok: false,
  error,
  message,
});

/** Used by routers: a service's failure becomes a TRPCError with the same code. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new TRPCError({ code: result.error, message: result.message });
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
