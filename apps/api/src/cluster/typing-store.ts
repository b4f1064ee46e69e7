import type { UserRef } from '@parley/api-contract/schemas';
import type { RedisLink } from './redis.js';

/**
 * Who is typing, per room, in Redis: a hash of user id → "until user-json". Any node may
 * refresh an entry (a user's requests are spread over nodes), so the node whose timer runs
 * out asks Redis before announcing the stop, and exactly one node (the one whose HDEL wins)
 * announces it.
 */
export class RedisTypingStore {
  constructor(private readonly link: RedisLink) {}

  #key(roomId: string) {
    return `${this.link.prefix}typing:${roomId}`;
  }

  /** Typing until `until`: true when they were not typing before (announce the start). */
  async touch(roomId: string, user: UserRef, until: number): Promise<boolean> {
    const fresh = await this.link.command.eval(
      `local old = redis.call('HGET', KEYS[1], ARGV[1])
       redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. ARGV[3])
       redis.call('PEXPIRE', KEYS[1], ARGV[4])
       if not old then return 1 end
       if tonumber(string.match(old, '^%d+')) < tonumber(ARGV[5]) then return 1 end
       return 0`,
      1,
      this.#key(roomId),
      user.id,
      until,
      JSON.stringify(user),
      60_000,
      Date.now(),
    );
    return Number(fresh) === 1;
  }

  /**
   * The local timer ran out: a later `until` (refreshed elsewhere) to wait for, or 0 when
   * this call ended it (announce the stop), or -1 when it had already ended.
   */
  async expire(roomId: string, userId: string): Promise<number> {
    const result = await this.link.command.eval(
      `local old = redis.call('HGET', KEYS[1], ARGV[1])
       if not old then return -1 end
       local u = tonumber(string.match(old, '^%d+'))
       if u > tonumber(ARGV[2]) then return u end
       redis.call('HDEL', KEYS[1], ARGV[1])
       return 0`,
      1,
      this.#key(roomId),
      userId,
      Date.now(),
    );
    return Number(result);
  }

  /** Stopped (sent a message): true when this call ended it. */
  async stop(roomId: string, userId: string): Promise<boolean> {
    return (await this.link.command.hdel(this.#key(roomId), userId)) === 1;
  }

  async typingIn(roomId: string): Promise<UserRef[]> {
    const now = Date.now();
    const entries = await this.link.command.hgetall(this.#key(roomId));
    const users: UserRef[] = [];
    for (const value of Object.values(entries)) {
      const space = value.indexOf(' ');
      if (Number(value.slice(0, space)) > now) users.push(JSON.parse(value.slice(space + 1)));
    }
    return users;
  }
}
