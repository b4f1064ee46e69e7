import { z } from 'zod';

/** Unset and empty are the same: "not configured". */
const optionalPort = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z.coerce.number().int().min(0).max(65535).optional(),
);

/** Operations settings from the environment (documented in the README's Configuration). */
export const opsEnvSchema = z.object({
  PARLEY_MIGRATE: z.enum(['auto', 'check']).optional(),
  PARLEY_METRICS_PORT: optionalPort,
  PARLEY_METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  PARLEY_SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(600_000).default(0),
});

export interface OpsSettings {
  /** Pending migrations at start: applied (`auto`) or refused (`check`); unset: by engine. */
  migrate: 'auto' | 'check' | undefined;
  /** Port of the separate /metrics listener; none when unset. */
  metricsPort: number | undefined;
  metricsHost: string;
  /**
   * On SIGTERM, how long to keep serving with /readyz answering 503 before closing the
   * listener, so that load balancers stop sending new work first.
   */
  shutdownDrainMs: number;
}

export function opsFromEnv(env: z.infer<typeof opsEnvSchema>): OpsSettings {
  return {
    migrate: env.PARLEY_MIGRATE,
    metricsPort: env.PARLEY_METRICS_PORT,
    metricsHost: env.PARLEY_METRICS_HOST,
    shutdownDrainMs: env.PARLEY_SHUTDOWN_DRAIN_MS,
  };
}
