import { BurstyRateLimiter, type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { type AccountState, SignInGuard } from '../auth/sign-in-guard.js';
import { type LimiterFactory, memoryLimiters } from '../limits/limiters.js';
import type { Limits, RateName } from '../limits/settings.js';

export interface RateLimits {
  /** Message sends per user: about 5 per second, with bursts of about 20. */
  send: BurstyRateLimiter;
  /** Wrong passwords: per username and address, per address, per username (see the guard). */
  signIn: SignInGuard;
  /** Sign-in and sign-up attempts per client address (each costs a scrypt hash). */
  signInAddress: RateLimiterAbstract;
  /** Typing signals per user. */
  typing: RateLimiterAbstract;
  /** Every other writing mutation belongs to one of these, keyed by user (see the README). */
  rates: Record<RateName, RateLimiterAbstract>;
}

export function createRateLimits(
  config: {
    sendRatePerSecond: number;
    sendBurst: number;
    limits: Limits;
  },
  limiter: LimiterFactory = memoryLimiters,
  /** The sign-in guard's per-username state (Redis in a cluster); this node's memory by default. */
  accounts?: AccountState,
): RateLimits {
  const { rates } = config.limits;
  const rateLimiters = Object.fromEntries(
    Object.entries(rates).map(([name, rate]) => [
      name,
      limiter({ keyPrefix: name, points: rate.points, duration: rate.seconds }),
    ]),
  ) as Record<RateName, RateLimiterAbstract>;
  return {
    // A bucket of `rate` per second, plus a burst bucket that refills over 10 s.
    send: new BurstyRateLimiter(
      limiter({ keyPrefix: 'send', points: config.sendRatePerSecond, duration: 1 }),
      limiter({ keyPrefix: 'send-burst', points: config.sendBurst, duration: 10 }),
    ),
    signIn: new SignInGuard(config.limits.signIn, limiter, accounts),
    signInAddress: rateLimiters.auth,
    typing: rateLimiters.typing,
    rates: rateLimiters,
  };
}

/** Consumes a point; returns the seconds to wait when over the limit, else null. */
export async function overLimit(
  limiter: { consume(key: string): Promise<RateLimiterRes> },
  key: string,
): Promise<number | null> {
  try {
    await limiter.consume(key);
    return null;
  } catch (error) {
    if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    throw error;
  }
}
