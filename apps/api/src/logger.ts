import { pino } from 'pino';
import type { Config } from './config.js';

export type Logger = pino.Logger;

/** Structured logs. Message bodies, passwords and tokens are never logged. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
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
  });
}
