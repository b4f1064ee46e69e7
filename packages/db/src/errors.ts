/** Turns a connection or migration failure into one paragraph an operator can act on. */
export function describeDbError(error: unknown, location: string): string {
  // Drizzle wraps driver errors ("Failed query: …"); the driver's error is the cause.
  const cause = (error as { cause?: unknown }).cause;
  if (cause && typeof cause === 'object' && 'code' in cause)
    return describeDbError(cause, location);
  const e = error as { code?: string; message?: string; address?: string; port?: number };
  const where = e.address ? `${e.address}${e.port ? `:${e.port}` : ''}` : location;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `Could not connect to PostgreSQL at ${where}: the connection was refused. Is the server running, and are DATABASE_URL's host and port right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Could not connect to PostgreSQL at ${location}: the host name does not resolve. Check DATABASE_URL.`;
    case 'CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return `Could not connect to PostgreSQL at ${where}: timed out. Check DATABASE_URL and the network.`;
    case '28P01':
    case '28000':
      return `PostgreSQL at ${location} refused the credentials in DATABASE_URL (${e.message}).`;
    case '3D000':
      return `PostgreSQL at ${location} has no such database (${e.message}). Create it first.`;
    default: {
      const detail = e.message;
      return `Database operation on ${location} failed${e.code ? ` (${e.code})` : ''}: ${detail || String(error)}. Nothing was changed: migrations run in one transaction.`;
    }
  }
}
