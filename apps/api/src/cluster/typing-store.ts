import type { UserRef } from '@parley/api-contract/schemas';
import type { RedisLink } from './redis.js';

/**
 * Who is typing, per room, in Redis: a hash of user id → "until user-json", and one sorted set
 * of "roomId userId" by until (the deadlines). Any node may refresh an entry (a user's requests
 * are spread over nodes), so the node whose timer runs out asks Redis before announcing the
 * stop, and exactly one node (the one whose HDEL wins) announces it. The node that holds the
 * timer can die (SIGKILL) before it runs out: every node sweeps the deadlines that passed, so
 * the stop is still announced, once, within a sweep interval of the deadline.
 */
export class RedisTypingStore {
  constructor(private readonly link: RedisLink) {}

  #key(roomId: string) {
    return `${this.link.prefix}typing:${roomId}`;
  }

  get #due() {
    return `${this.link.prefix}typing-due`;
  }

  /** Typing until `until`: true when they were not typing before (announce the start). */
  async touch(roomId: string, user: UserRef, until: number): Promise<boolean> {
    const fresh = await this.link.command.eval(
      `local old = redis.call('HGET', KEYS[1], ARGV[1])
       redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. ARGV[3])
       redis.call('PEXPIRE', KEYS[1], ARGV[4])
       redis.call('ZADD', KEYS[2], ARGV[2], ARGV[6])
       if not old then return 1 end
       if tonumber(string.match(old, '^%d+')) < tonumber(ARGV[5]) then return 1 end
       return 0`,
      2,
      this.#key(roomId),
      this.#due,
      user.id,
      until,
      JSON.stringify(user),
      60_000,
      Date.now(),
      `${roomId} ${user.id}`,
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
       redis.call('ZREM', KEYS[2], ARGV[3])
       return 0`,
      2,
      this.#key(roomId),
      this.#due,
      userId,
      Date.now(),
      `${roomId} ${userId}`,
    );
    return Number(result);
  }

  /** Stopped (sent a message): true when this call ended it. */
  async stop(roomId: string, userId: string): Promise<boolean> {
    const [[, removed] = []] =
      (await this.link.command
        .multi()
        .hdel(this.#key(roomId), userId)
        .zrem(this.#due, `${roomId} ${userId}`)
        .exec()) ?? [];
    return removed === 1;
  }

  /**
   * Ends the entries whose deadline passed, whichever node refreshed them (its timer may have
   * died with it): the stops this call made, to announce. An entry refreshed meanwhile gets its
   * new deadline back instead.
   */
  async sweep(): Promise<Array<{ roomId: string; user: UserRef }>> {
    const ended = (await this.link.command.eval(
      `local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 200)
       local out = {}
       for _, member in ipairs(due) do
         redis.call('ZREM', KEYS[1], member)
         local space = string.find(member, ' ', 1, true)
         local room = string.sub(member, 1, space - 1)
         local user = string.sub(member, space + 1)
         local key = ARGV[2] .. room
         local old = redis.call('HGET', key, user)
         if old then
           local u = tonumber(string.match(old, '^%d+'))
           if u > tonumber(ARGV[1]) then
             redis.call('ZADD', KEYS[1], u, member)
           else
             redis.call('HDEL', key, user)
             table.insert(out, room)
             table.insert(out, old)
           end
         end
       end
       return out`,
      1,
      this.#due,
      Date.now(),
      `${this.link.prefix}typing:`,
    )) as string[];
    const stops: Array<{ roomId: string; user: UserRef }> = [];
    for (let i = 0; i + 1 < ended.length; i += 2) {
      const value = ended[i + 1] as string;
      stops.push({
        roomId: ended[i] as string,
        user: JSON.parse(value.slice(value.indexOf(' ') + 1)),
      });
    }
    return stops;
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
