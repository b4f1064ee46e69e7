import type { AppRouter } from '@parley/api-contract';
import { isTRPCClientError, TRPCClientError } from '@trpc/client';

export const UNREACHABLE = 'Cannot reach Parley. Check your connection and try again.';

/** The tRPC error code of a failure, if it came from the server. */
export function errorCode(error: unknown): string | undefined {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    if (data && typeof data === 'object' && 'code' in data && typeof data.code === 'string') {
      return data.code;
    }
  }
  return undefined;
}

/** Answers that mean "the server could not answer right now" (no answer at all included). */
const TRANSIENT = new Set([
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
  'BAD_GATEWAY',
  'GATEWAY_TIMEOUT',
  'TIMEOUT',
]);

/**
 * Whether asking again later may well work: no answer (offline, server down or restarting) or
 * a server-side failure. A refusal (not signed in, not allowed, not found, bad input) is not.
 */
export function isTransient(error: unknown): boolean {
  const code = errorCode(error);
  return code === undefined || TRANSIENT.has(code);
}

/** A validation failure's messages by input field (the server's `data.issues`). */
export function fieldIssues(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isTRPCClientError<AppRouter>(error)) return out;
  const data = error.data;
  if (!data || !('issues' in data) || !Array.isArray(data.issues)) return out;
  for (const issue of data.issues) {
    const field = issue.path.split('.')[0] ?? '';
    out[field] ??= issue.message;
  }
  return out;
}

export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    if (error.message === 'Failed to fetch' || error.message.includes('NetworkError')) {
      return UNREACHABLE;
    }
    return error.message;
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}

/** A refusal said kindly: `notFound` for NOT_FOUND, a nudge when rate limited. */
export function friendlyError(error: unknown, notFound: string): string {
  const code = errorCode(error);
  if (code === 'NOT_FOUND') return notFound;
  if (code === 'TOO_MANY_REQUESTS') return 'You are going a little fast. Try again in a moment.';
  return errorMessage(error);
}
