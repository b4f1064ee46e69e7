import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisLink } from '../cluster/redis.js';
import type { LimiterFactory } from '../limits/limiters.js';
import type { Limits } from '../limits/settings.js';

const HOUR = 3600;
const DAY = 86_400;
/** How long an address stays familiar to an account after a sign-in from it. */
const FAMILIAR_MS = 30 * DAY * 1000;
const FAILURE_WINDOW_MS = 15 * 60 * 1000;
/** Bounds on the in-memory maps (oldest forgotten first). */
const MAX_ENTRIES = 100_000;

/** What `check` let through; handed back to `failed` or `succeeded`. */
export interface Attempt {
  username: string;
  address: string;
  /** Counted in advance against the username, so concurrent attempts see it. */
  charged: boolean;
}

/** The per-username part of the guard: failures, the spacing slot, familiar addresses. */
export interface AccountState {
  familiar(username: string, address: string): Promise<boolean>;
  /**
   * Counts an attempt in advance against the username, atomically with the others: null when
   * it may go ahead, else the seconds to wait (someone else has the current slot).
   */
  charge(username: string): Promise<number | null>;
  /** A failure that was not charged in advance (from a familiar address). */
  countFailure(username: string): Promise<void>;
  /** A charged attempt succeeded: it was not a failure after all. */
  refund(username: string): Promise<void>;
  rememberFamiliar(username: string, address: string): Promise<void>;
}

type SignInLimits = Limits['signIn'];

/** Seconds between attempts from unfamiliar addresses once `failures` passed the free ones. */
function spacing(limits: SignInLimits, failures: number): number {
  const over = failures - limits.freeFailsPerUser;
  return Math.min(2 ** Math.max(0, over - 1), limits.maxDelaySeconds);
}

/** One node's memory (bounded maps). */
export class MemoryAccountState implements AccountState {
  /** Failures (and attempts in progress) per username, in a 15-minute window. */
  readonly #failures = new Map<string, { count: number; resetAt: number }>();
  /** Before this time, unfamiliar addresses may not try this username. */
  readonly #nextAt = new Map<string, number>();
  /** `username address` → when it last signed in from there. */
  readonly #familiar = new Map<string, number>();

  constructor(private readonly limits: SignInLimits) {}

  #failuresOf(username: string, now: number) {
    let entry = this.#failures.get(username);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + FAILURE_WINDOW_MS };
      remember(this.#failures, username, entry);
    }
    return entry;
  }

  async familiar(username: string, address: string): Promise<boolean> {
    const at = this.#familiar.get(`${username} ${address}`);
    return at !== undefined && Date.now() - at < FAMILIAR_MS;
  }

  async charge(username: string): Promise<number | null> {
    // Synchronous from here on: concurrent attempts must each see the others' charges.
    const now = Date.now();
    const failures = this.#failuresOf(username, now);
    if (failures.count >= this.limits.freeFailsPerUser) {
      const next = this.#nextAt.get(username) ?? 0;
      if (now < next) return Math.max(1, Math.ceil((next - now) / 1000));
      // This attempt takes the slot: one from elsewhere waits its turn.
      remember(this.#nextAt, username, now + spacing(this.limits, failures.count + 1) * 1000);
    }
    failures.count++;
    return null;
  }

  async countFailure(username: string): Promise<void> {
    this.#failuresOf(username, Date.now()).count++;
  }

  async refund(username: string): Promise<void> {
    const failures = this.#failures.get(username);
    if (failures && failures.count > 0) failures.count--;
  }

  async rememberFamiliar(username: string, address: string): Promise<void> {
    remember(this.#familiar, `${username} ${address}`, Date.now());
  }
}

/**
 * The same state in Redis, shared by every node; each step is one atomic command or script, so
 * concurrent attempts on different nodes see each other's charges. While Redis is away each
 * node falls back to its own memory, like the limiters' insurance.
 */
export class RedisAccountState implements AccountState {
  readonly #fallback: MemoryAccountState;

  constructor(
    private readonly link: RedisLink,
    private readonly limits: SignInLimits,
  ) {
    this.#fallback = new MemoryAccountState(limits);
  }

  #failures(username: string) {
    return `${this.link.prefix}signin-failures:${username}`;
  }
  #nextAt(username: string) {
    return `${this.link.prefix}signin-next:${username}`;
  }
  #familiar(username: string, address: string) {
    return `${this.link.prefix}signin-familiar:${username} ${address}`;
  }

  async #or<T>(inRedis: () => Promise<T>, inMemory: () => Promise<T>): Promise<T> {
    if (this.link.command.status !== 'ready') return inMemory();
    try {
      return await inRedis();
    } catch {
      return inMemory();
    }
  }

  familiar(username: string, address: string): Promise<boolean> {
    return this.#or(
      async () => (await this.link.command.exists(this.#familiar(username, address))) === 1,
      () => this.#fallback.familiar(username, address),
    );
  }

  charge(username: string): Promise<number | null> {
    return this.#or(
      async () => {
        const waitMs = await this.link.command.eval(
          `local count = tonumber(redis.call('GET', KEYS[1]) or '0')
           local now = tonumber(ARGV[1])
           local free = tonumber(ARGV[2])
           if count >= free then
             local next = tonumber(redis.call('GET', KEYS[2]) or '0')
             if now < next then return next - now end
             local over = count + 1 - free
             local space = math.min(2 ^ math.max(0, over - 1), tonumber(ARGV[3]))
             redis.call('SET', KEYS[2], now + space * 1000, 'PX', ARGV[4])
           end
           if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
           return 0`,
          2,
          this.#failures(username),
          this.#nextAt(username),
          Date.now(),
          this.limits.freeFailsPerUser,
          this.limits.maxDelaySeconds,
          FAILURE_WINDOW_MS,
        );
        const ms = Number(waitMs);
        return ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : null;
      },
      () => this.#fallback.charge(username),
    );
  }

  countFailure(username: string): Promise<void> {
    return this.#or(
      async () => {
        const key = this.#failures(username);
        if ((await this.link.command.incr(key)) === 1)
          await this.link.command.pexpire(key, FAILURE_WINDOW_MS);
      },
      () => this.#fallback.countFailure(username),
    );
  }

  refund(username: string): Promise<void> {
    return this.#or(
      async () => {
        await this.link.command.eval(
          `if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end`,
          1,
          this.#failures(username),
        );
      },
      () => this.#fallback.refund(username),
    );
  }

  rememberFamiliar(username: string, address: string): Promise<void> {
    return this.#or(
      async () => {
        await this.link.command.set(this.#familiar(username, address), '1', 'PX', FAMILIAR_MS);
      },
      () => this.#fallback.rememberFamiliar(username, address),
    );
  }
}

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
 * All three live where every node sees them in a cluster: the per-pair and per-address counts in
 * the limiter store, the per-username failures, spacing and familiar addresses in Redis
 * (`RedisAccountState`), so an attacker gains nothing by spreading guesses over N nodes. On one
 * node, or while Redis is away, they are in this node's memory (`MemoryAccountState`).
 */
export class SignInGuard {
  readonly #pair: RateLimiterAbstract;
  readonly #address: RateLimiterAbstract;
  readonly #accounts: AccountState;

  constructor(
    private readonly limits: SignInLimits,
    limiter: LimiterFactory,
    accounts?: AccountState,
  ) {
    this.#accounts = accounts ?? new MemoryAccountState(limits);
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
    if (await this.#accounts.familiar(username, address))
      return { username, address, charged: false };
    const wait = await this.#accounts.charge(username);
    if (wait !== null) return { wait };
    return { username, address, charged: true };
  }

  async failed({ username, address, charged }: Attempt): Promise<void> {
    if (!charged) await this.#accounts.countFailure(username);
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
    if (charged) await this.#accounts.refund(username);
    await this.#pair.delete(`${username} ${address}`);
    await this.#accounts.rememberFamiliar(username, address);
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
