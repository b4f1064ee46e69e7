import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
} from 'rate-limiter-flexible';
import type { RedisLink } from '../cluster/redis.js';

export interface LimiterOptions {
  keyPrefix: string;
  points: number;
  duration: number;
  blockDuration?: number;
}

/** Makes a limiter: in memory on one node, in Redis (shared by every node) in a cluster. */
export type LimiterFactory = (options: LimiterOptions) => RateLimiterAbstract;

export const memoryLimiters: LimiterFactory = (options) => new RateLimiterMemory(options);

/**
 * Limits shared by every node, so a user gets no more by spreading requests over N nodes.
 * While Redis is away each node falls back to its own memory limiter (the insurance), and
 * requests go on rather than fail.
 */
export function redisLimiters(link: RedisLink): LimiterFactory {
  return (options) =>
    new RateLimiterRedis({
      ...options,
      storeClient: link.command,
      keyPrefix: `${link.prefix}rl:${options.keyPrefix}`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
}
