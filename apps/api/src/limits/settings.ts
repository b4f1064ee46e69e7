import { LIMITS } from '@parley/api-contract/limits';
import { z } from 'zod';

/**
 * Every bound the server enforces, from the environment (the README's "Limits" table lists
 * each with its variable and default; a test keeps the two in step).
 */
const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** `points/seconds`, e.g. `60/60` for 60 a minute. */
const rate = (points: number, seconds: number) =>
  z
    .string()
    .regex(/^\d+\/\d+$/, { error: 'must be "points/seconds", e.g. 60/60' })
    .default(`${points}/${seconds}`)
    .transform((v) => {
      const [p, s] = v.split('/').map(Number);
      return { points: Math.max(1, p ?? points), seconds: Math.max(1, s ?? seconds) };
    });

export const limitsEnvSchema = z.object({
  PARLEY_MAX_BATCH: int(LIMITS.batchMax),
  PARLEY_MAX_RESPONSE_BYTES: int(1024 * 1024),
  PARLEY_HISTORY_PAGE_BYTES: int(256 * 1024),
  PARLEY_MAX_PAYLOAD_BYTES: int(64 * 1024),
  PARLEY_WS_MAX_BUFFERED_BYTES: int(4 * 1024 * 1024),
  PARLEY_WS_MAX_SUBSCRIPTIONS: int(50),
  PARLEY_WS_MAX_IN_FLIGHT: int(10),
  PARLEY_WS_MAX_SOCKETS_PER_USER: int(20),
  PARLEY_RATE_EDITS: rate(60, 60),
  PARLEY_RATE_ROOMS: rate(20, 3600),
  PARLEY_RATE_MEMBERSHIP: rate(60, 600),
  PARLEY_RATE_DIRECT: rate(30, 600),
  PARLEY_RATE_TOKENS: rate(20, 3600),
  PARLEY_RATE_READS: rate(50, 5),
  PARLEY_RATE_TYPING: rate(10, 5),
  PARLEY_RATE_AUTH: rate(60, 300),
  PARLEY_RATE_ACCOUNT: rate(20, 3600),
  PARLEY_RATE_ROOM_SETTINGS: rate(60, 600),
  PARLEY_RATE_ADMIN: rate(120, 3600),
  PARLEY_RATE_SEARCH: rate(30, 60),
  PARLEY_RATE_REACTIONS: rate(60, 60),
  PARLEY_SIGNIN_FAILS_PER_USER_ADDRESS: int(10),
  PARLEY_SIGNIN_FAILS_PER_ADDRESS_DAY: int(100),
  PARLEY_SIGNIN_FREE_FAILS_PER_USER: int(5),
  PARLEY_SIGNIN_MAX_DELAY_S: int(60),
  PARLEY_MIN_FREE_BYTES: int(64 * 1024 * 1024),
});

export type LimitsEnv = z.infer<typeof limitsEnvSchema>;
export type Rate = { points: number; seconds: number };

/**
 * The limits that live under `config.limits`. (Four older ones stay top-level settings:
 * `maxPayloadBytes`, `maxBufferedBytes`, `sendRatePerSecond`, `sendBurst`; config.ts reads them.)
 */
export function limitsFromEnv(env: LimitsEnv) {
  return {
    /** Calls in one HTTP batch request. */
    maxBatch: env.PARLEY_MAX_BATCH,
    /** The JSON of any one procedure's result. */
    maxResponseBytes: env.PARLEY_MAX_RESPONSE_BYTES,
    /** A history page stops adding messages past this many bytes of them (≥ 1 message). */
    historyPageBytes: env.PARLEY_HISTORY_PAGE_BYTES,
    maxSubscriptionsPerSocket: env.PARLEY_WS_MAX_SUBSCRIPTIONS,
    /** Queries and mutations running at once on one socket. */
    maxInFlightPerSocket: env.PARLEY_WS_MAX_IN_FLIGHT,
    maxSocketsPerUser: env.PARLEY_WS_MAX_SOCKETS_PER_USER,
    /** Embedded database: writes are refused while less than this is free on its disk. */
    minFreeBytes: env.PARLEY_MIN_FREE_BYTES,
    rates: {
      edits: env.PARLEY_RATE_EDITS,
      rooms: env.PARLEY_RATE_ROOMS,
      membership: env.PARLEY_RATE_MEMBERSHIP,
      direct: env.PARLEY_RATE_DIRECT,
      tokens: env.PARLEY_RATE_TOKENS,
      reads: env.PARLEY_RATE_READS,
      typing: env.PARLEY_RATE_TYPING,
      /** Sign-ups and sign-in attempts per client address (each costs a scrypt hash). */
      auth: env.PARLEY_RATE_AUTH,
      /** Profile, password and session changes (a wrong current password counts too). */
      account: env.PARLEY_RATE_ACCOUNT,
      /** Room name, topic, roles, archiving. */
      roomSettings: env.PARLEY_RATE_ROOM_SETTINGS,
      /** The owner's workspace changes: settings, invites, (de)activations. */
      admin: env.PARLEY_RATE_ADMIN,
      /** messages.search: each is a full-text query over the caller's rooms. */
      search: env.PARLEY_RATE_SEARCH,
      /** messages.react and messages.unreact together. */
      reactions: env.PARLEY_RATE_REACTIONS,
    },
    signIn: {
      /** Consecutive failures for one username from one address before that pair waits 1 h. */
      failsPerUserAddress: env.PARLEY_SIGNIN_FAILS_PER_USER_ADDRESS,
      /** Failures from one address in a day before it waits a day. */
      failsPerAddressDay: env.PARLEY_SIGNIN_FAILS_PER_ADDRESS_DAY,
      /** Failures for one username (any address, 15 min) before attempts are spaced out. */
      freeFailsPerUser: env.PARLEY_SIGNIN_FREE_FAILS_PER_USER,
      /** The longest spacing between attempts on one account from unfamiliar addresses. */
      maxDelaySeconds: env.PARLEY_SIGNIN_MAX_DELAY_S,
    },
  };
}

export type Limits = ReturnType<typeof limitsFromEnv>;
export type RateName = keyof Limits['rates'];
