import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dbEnvSchema } from '@parley/db';
import { z } from 'zod';
import { OWASP_SCRYPT, type ScryptParams } from './auth/passwords.js';
import { type Limits, limitsEnvSchema, limitsFromEnv } from './limits/settings.js';
import { type OpsSettings, opsEnvSchema, opsFromEnv } from './ops/settings.js';

const csv = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The database and operations settings (ops/settings.ts). */
const baseSchema = dbEnvSchema.extend(opsEnvSchema.shape);

/** Every setting Parley reads from the environment (documented in the README). */
export const envSchema = baseSchema.extend(limitsEnvSchema.shape).extend({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PARLEY_SECRET: z
    .string()
    .min(32, { error: 'PARLEY_SECRET must be at least 32 characters.' })
    .optional(),
  ALLOWED_ORIGINS: csv,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PARLEY_WEB_DIST: z.string().optional(),
  PARLEY_WS_PING_MS: int(30_000),
  PARLEY_WS_PONG_WAIT_MS: int(5_000),
  PARLEY_SESSION_DAYS: int(30),
  PARLEY_SEND_RATE: int(5),
  PARLEY_SEND_BURST: z.coerce.number().int().min(0).default(15),
  PARLEY_TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  PARLEY_TRUSTED_PROXIES: csv,
  PARLEY_PROXY_HOPS: z.coerce.number().int().min(0).optional(),
  /** Cluster mode: several nodes share this Redis (bus, presence, typing, limits). */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, { error: 'REDIS_URL must be a redis:// or rediss:// URL.' })
    .optional(),
  PARLEY_REDIS_PREFIX: z.string().min(1).default('parley:'),
  PARLEY_NODE_ID: z.string().min(1).max(64).optional(),
  PARLEY_SCRYPT_N: z.coerce
    .number()
    .int()
    .min(2 ** 10)
    .max(2 ** 20)
    .refine((n) => Number.isInteger(Math.log2(n)), { error: 'must be a power of two' })
    .default(OWASP_SCRYPT.N),
  PARLEY_SCRYPT_R: z.coerce.number().int().min(1).max(32).default(OWASP_SCRYPT.r),
  PARLEY_SCRYPT_P: z.coerce.number().int().min(1).max(16).default(OWASP_SCRYPT.p),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  secret: string;
  /** Origins allowed to open a WebSocket besides the server's own. */
  allowedOrigins: string[];
  logLevel: Env['LOG_LEVEL'];
  webDist: string | undefined;
  wsPingMs: number;
  wsPongWaitMs: number;
  sessionDays: number;
  /** scrypt's cost for new hashes; a sign-in with older parameters rehashes (README). */
  passwordHashing: ScryptParams;
  /** Behind a reverse proxy: read the client address and scheme from X-Forwarded-*. */
  trustProxy: boolean;
  /** Proxy addresses and CIDR ranges to see through (default: loopback and private ranges). */
  trustedProxies: string[];
  /** Instead of a list: how many proxies stand in front (the hop count). */
  proxyHops: number | undefined;
  limits: Limits;
  /** Set: cluster mode on this Redis (docs/design.md, "Several nodes"). */
  redisUrl: string | undefined;
  /** Prefix of every Redis key and channel (clusters sharing one Redis differ in it). */
  redisPrefix: string;
  /** This node's name in the cluster (presence, the bus); random per process by default. */
  nodeId: string;
  /** Bytes a socket may have queued before the server gives up on it. */
  maxBufferedBytes: number;
  /** Largest WebSocket frame and HTTP body accepted. */
  maxPayloadBytes: number;
  typingTtlMs: number;
  /**
   * Sends waiting for one room's next group commit, beyond which a send is refused with
   * TOO_MANY_REQUESTS; and the most written in one statement.
   */
  roomSendQueue: number;
  sendBatchMax: number;
  /**
   * Sends waiting on this node, all rooms together: past it a send is refused the same way, so
   * that many busy rooms cannot pile up work (and latency) without bound either.
   */
  nodeSendQueue: number;
  /** Sustained message sends per user per second, and the extra burst (refilled over 10 s). */
  sendRatePerSecond: number;
  sendBurst: number;
  /** Migrations at start, metrics listener, shutdown drain (ops/settings.ts). */
  ops: OpsSettings;
}

/** What createApp and loadConfig accept over the environment (limits may be given in part). */
export type ConfigOverrides = Partial<Omit<Config, 'limits'>> & {
  limits?: Partial<Omit<Limits, 'rates' | 'signIn'>> & {
    rates?: Partial<Limits['rates']>;
    signIn?: Partial<Limits['signIn']>;
  };
};

export class ConfigError extends Error {}

function mergeLimits(base: Limits, over: ConfigOverrides['limits'] = {}): Limits {
  return {
    ...base,
    ...over,
    rates: { ...base.rates, ...over.rates },
    signIn: { ...base.signIn, ...over.signIn },
  };
}

/** The development secret is generated once and kept in the data directory. */
function devSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

export function loadConfig(
  source: NodeJS.ProcessEnv = process.env,
  overrides: ConfigOverrides = {},
): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${detail}`);
  }
  const env = parsed.data;
  let secret = overrides.secret ?? env.PARLEY_SECRET;
  if (!secret) {
    if (env.NODE_ENV === 'production') {
      throw new ConfigError(
        'PARLEY_SECRET is required in production (at least 32 random characters, e.g. `openssl rand -base64 32`).',
      );
    }
    try {
      secret = devSecret(env.PARLEY_DATA_DIR);
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new ConfigError(
        code === 'ENOSPC'
          ? `The disk holding the data directory ${env.PARLEY_DATA_DIR} is full: the development secret cannot be written there. Free some space, or set PARLEY_SECRET.`
          : `The data directory ${env.PARLEY_DATA_DIR} is read-only (${code ?? String(error)}): the development secret cannot be written there. Make it writable, or set PARLEY_DATA_DIR or PARLEY_SECRET.`,
      );
    }
  }
  const devOrigins =
    env.NODE_ENV === 'production' ? [] : ['http://localhost:5173', 'http://127.0.0.1:5173'];
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.PARLEY_DATA_DIR,
    secret,
    allowedOrigins: [...env.ALLOWED_ORIGINS, ...devOrigins],
    logLevel: env.LOG_LEVEL,
    webDist: env.PARLEY_WEB_DIST,
    wsPingMs: env.PARLEY_WS_PING_MS,
    wsPongWaitMs: env.PARLEY_WS_PONG_WAIT_MS,
    sessionDays: env.PARLEY_SESSION_DAYS,
    passwordHashing: { N: env.PARLEY_SCRYPT_N, r: env.PARLEY_SCRYPT_R, p: env.PARLEY_SCRYPT_P },
    trustProxy:
      env.PARLEY_TRUST_PROXY ||
      env.PARLEY_TRUSTED_PROXIES.length > 0 ||
      env.PARLEY_PROXY_HOPS !== undefined,
    trustedProxies: env.PARLEY_TRUSTED_PROXIES,
    proxyHops: env.PARLEY_PROXY_HOPS,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.PARLEY_REDIS_PREFIX,
    nodeId: env.PARLEY_NODE_ID ?? randomUUID(),
    maxBufferedBytes: env.PARLEY_WS_MAX_BUFFERED_BYTES,
    maxPayloadBytes: env.PARLEY_MAX_PAYLOAD_BYTES,
    typingTtlMs: 5_000,
    roomSendQueue: 1_000,
    sendBatchMax: 250,
    nodeSendQueue: 10_000,
    sendRatePerSecond: env.PARLEY_SEND_RATE,
    sendBurst: env.PARLEY_SEND_BURST,
    ops: opsFromEnv(env),
    ...overrides,
    limits: mergeLimits(limitsFromEnv(env), overrides.limits),
  };
}
