import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../limits/limiters.js';
import type { Limits } from '../limits/settings.js';

const HOUR = 3600;
const DAY = 86_400;
/** How long an address stays familiar to an account after a sign-in from it. */
const FAMILIAR_MS = 30 * DAY * 1000;
const FAILURE_WINDOW_MS = 15 * 60 * 1000;
/** Bounds on the in-memory maps (oldest forgotten first). */
const MAX_ENTRIES = 100_000;

/**
 * Password guessing without lock-out, after rate-limiter-flexible's login-protection pattern:
 *
 * - consecutive failures per (username, address): past the limit that pair waits an hour, and a
 *   success resets it, so a stranger elsewhere cannot lock the real user out;
 * - failures per address per day, whatever the usernames: past it the address waits a day;
 * - failures per username from anywhere (15 minutes): past a few free ones, attempts on that
 *   account from unfamiliar addresses are spaced out, 1 s, 2 s, 4 s … up to a maximum, one at a
 *   time. A distributed guess at one account is slowed to a crawl, never stopped for good, and
 *   addresses the account signed in from before are never slowed.
 *
 * The per-pair and per-address counts are in the limiter store (Redis in a cluster, so shared
 * by every node); the per-username spacing and familiar addresses are per node and in memory.
 */
/** What `check` let through; handed back to `failed` or `succeeded`. */
export interface Attempt {
  username: string;
  address: string;
  /** Counted in advance against the username, so concurrent attempts see it. */
  charged: boolean;
}

export class SignInGuard {
  readonly #pair: RateLimiterAbstract;
  readonly #address: RateLimiterAbstract;
  /** Failures (and attempts in progress) per username, in a 15-minute window. */
  readonly #failures = new Map<string, { count: number; resetAt: number }>();
  /** Before this time, unfamiliar addresses may not try this username. */
  readonly #nextAt = new Map<string, number>();
  /** `username address` → when it last signed in from there. */
  readonly #familiar = new Map<string, number>();

  constructor(
    private readonly limits: Limits['signIn'],
    limiter: LimiterFactory,
  ) {
    this.#pair = limiter({
      keyPrefix: 'signin-pair',
      points: limits.failsPerUserAddress,
      // (Its memory store expires keys with setTimeout, which cannot wait past 24.8 days.)
      duration: 7 * DAY,
      blockDuration: HOUR,
    });
    this.#address = limiter({
      keyPrefix: 'signin-address',
      points: limits.failsPerAddressDay,
      duration: DAY,
      blockDuration: DAY,
    });
  }

  #familiarTo(username: string, address: string): boolean {
    const at = this.#familiar.get(`${username} ${address}`);
    return at !== undefined && Date.now() - at < FAMILIAR_MS;
  }

  #failuresOf(username: string, now: number) {
    let entry = this.#failures.get(username);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + FAILURE_WINDOW_MS };
      remember(this.#failures, username, entry);
    }
    return entry;
  }

  /** Either the seconds this attempt must wait, or the attempt: it may check the password. */
  async check(username: string, address: string): Promise<{ wait: number } | Attempt> {
    const [pair, perAddress] = await Promise.all([
      this.#pair.get(`${username} ${address}`),
      this.#address.get(address),
    ]);
    const waits = [
      blocked(pair, this.limits.failsPerUserAddress),
      blocked(perAddress, this.limits.failsPerAddressDay),
    ].filter((w): w is number => w !== null);
    if (waits.length > 0) return { wait: Math.max(...waits) };
    if (this.#familiarTo(username, address)) return { username, address, charged: false };
    // From here on synchronous: concurrent attempts must each see the others' charges.
    const now = Date.now();
    const failures = this.#failuresOf(username, now);
    if (failures.count >= this.limits.freeFailsPerUser) {
      const next = this.#nextAt.get(username) ?? 0;
      if (now < next) return { wait: Math.max(1, Math.ceil((next - now) / 1000)) };
      // This attempt takes the slot: one from elsewhere waits its turn.
      remember(this.#nextAt, username, now + this.#spacing(failures.count + 1) * 1000);
    }
    failures.count++;
    return { username, address, charged: true };
  }

  #spacing(failures: number): number {
    const over = failures - this.limits.freeFailsPerUser;
    return Math.min(2 ** Math.max(0, over - 1), this.limits.maxDelaySeconds);
  }

  async failed({ username, address, charged }: Attempt): Promise<void> {
    if (!charged) this.#failuresOf(username, Date.now()).count++;
    const key = `${username} ${address}`;
    await Promise.all([this.#pair.penalty(key), this.#address.penalty(address)]);
    const pair = await this.#pair.get(key);
    if ((pair?.consumedPoints ?? 0) >= this.limits.failsPerUserAddress) {
      await this.#pair.block(key, HOUR);
    }
    const perAddress = await this.#address.get(address);
    if ((perAddress?.consumedPoints ?? 0) >= this.limits.failsPerAddressDay) {
      await this.#address.block(address, DAY);
    }
  }

  async succeeded({ username, address, charged }: Attempt): Promise<void> {
    if (charged) {
      const failures = this.#failures.get(username);
      if (failures && failures.count > 0) failures.count--;
    }
    await this.#pair.delete(`${username} ${address}`);
    remember(this.#familiar, `${username} ${address}`, Date.now());
  }
}

/** Sets a key as the newest; the oldest is forgotten past MAX_ENTRIES. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_ENTRIES) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

/** Seconds left on a limiter entry that reached its points, or null. */
function blocked(res: RateLimiterRes | null, points: number): number | null {
  if (!res || res.consumedPoints < points) return null;
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}
