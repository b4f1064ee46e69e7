import { z } from 'zod';

/** The database part of Parley's environment. */
export const dbEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  PARLEY_DATA_DIR: z.string().trim().min(1).default('.parley'),
});

export type DbEnv = z.infer<typeof dbEnvSchema>;

/** PGlite keeps its files in `<PARLEY_DATA_DIR>/db`. */
export function dbOptionsFromEnv(env: DbEnv) {
  return { url: env.DATABASE_URL, dataDir: `${env.PARLEY_DATA_DIR}/db` };
}
