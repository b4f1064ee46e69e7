import { pino } from 'pino';
import type { Config } from './config.js';

export type Logger = pino.Logger;

/**
 * Drizzle puts a failed query's parameters (message bodies, password hashes) into its error
 * messages; logs keep the SQL and drop the values.
 */
function scrub(text: string | undefined): string | undefined {
  return text?.replace(/\nparams: .*$/gm, '\nparams: [redacted]');
}

export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const base = pino.stdSerializers.err(err);
  return { ...base, message: scrub(base.message), stack: scrub(base.stack) };
}

/** Structured logs. Message bodies, passwords and tokens are never logged. */
export function createLogger(
  config: Pick<Config, 'logLevel'>,
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      level: config.logLevel,
      serializers: { err: serializeError },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          '*.password',
          '*.token',
          '*.body',
          'input',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
