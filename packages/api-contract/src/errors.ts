/**
 * Reading Parley's errors. Structural on purpose (no `instanceof`): an error from another copy
 * of @trpc/client reads the same.
 */
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';

/** One input field the server refused, as it sends it in `error.data.issues`. */
export interface ParleyFieldIssue {
  /** The field's path in the input, dot-separated (`body`, `replyTo.id`); `''` is the input itself. */
  path: string;
  message: string;
}

export interface ParleyError {
  /** The server's tRPC code (docs/api.md, "Errors"); null when no answer came (offline, aborted). */
  code: TRPC_ERROR_CODE_KEY | null;
  /** A sentence meant for people. */
  message: string;
  /** Refused input by field path, the first message for each (`BAD_REQUEST` only; else empty). */
  fields: Record<string, string>;
  /** Every refused field, in the server's order. */
  issues: ParleyFieldIssue[];
  /** `INTERNAL_SERVER_ERROR`: the id that finds the failure in the server's log. */
  requestId: string | null;
  /** `TOO_MANY_REQUESTS`: how long to wait before trying again, in ms (null: not said). */
  retryAfterMs: number | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

function issuesOf(data: Record<string, unknown>): ParleyFieldIssue[] {
  if (!Array.isArray(data.issues)) return [];
  return data.issues.flatMap((issue: unknown) =>
    isRecord(issue) && typeof issue.path === 'string' && typeof issue.message === 'string'
      ? [{ path: issue.path, message: issue.message }]
      : [],
  );
}

/**
 * What a failed call says: its code, its message and, for refused input, which fields and why.
 *
 * ```ts
 * try {
 *   await api.auth.signUp.mutate({ username, password });
 * } catch (err) {
 *   const { code, message, fields } = readParleyError(err);
 *   if (code === 'BAD_REQUEST') showUnder('password', fields.password);
 *   else if (code === 'CONFLICT') showUnder('username', message);
 *   else throw err;
 * }
 * ```
 */
export function readParleyError(error: unknown): ParleyError {
  const message =
    error instanceof Error || (isRecord(error) && typeof error.message === 'string')
      ? String((error as { message: unknown }).message)
      : String(error);
  const data = isRecord(error) && isRecord(error.data) ? error.data : null;
  const code = data && typeof data.code === 'string' ? (data.code as TRPC_ERROR_CODE_KEY) : null;
  const issues = data ? issuesOf(data) : [];
  const fields: Record<string, string> = {};
  for (const issue of issues) fields[issue.path] ??= issue.message;
  const requestId = data && typeof data.requestId === 'string' ? data.requestId : null;
  const retryAfterMs = data && typeof data.retryAfterMs === 'number' ? data.retryAfterMs : null;
  return { code, message, fields, issues, requestId, retryAfterMs };
}
