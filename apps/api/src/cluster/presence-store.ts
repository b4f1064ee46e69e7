import type { RedisLink } from './redis.js';

/**
 * Who is online across nodes, in Redis. Per user, a sorted set of the nodes holding a socket
 * of theirs, scored by when that entry lapses; per node, the set of its users; and the nodes,
 * scored likewise. A node refreshes its entries every heartbeat. A node that dies without
 * goodbye stops refreshing: reads ignore lapsed entries at once, and the next sweep by any
 * node removes them and reports the users who are now offline everywhere (nothing depends
 * on the dead node cleaning up after itself).
 */
export class RedisPresenceStore {
  readonly #p: string;
  constructor(
    private readonly link: RedisLink,
    private readonly nodeId: string,
    /** How long an entry lives without a heartbeat. */
    private readonly ttlMs: number,
  ) {
    this.#p = link.prefix;
  }

  #user(userId: string) {
    return `${this.#p}presence:${userId}`;
  }
  #nodeUsers(nodeId: string) {
    return `${this.#p}presence-node:${nodeId}`;
  }
  get #nodes() {
    return `${this.#p}presence-nodes`;
  }

  /** This node now holds `userId`: true when no other node did (they just came online). */
  async add(userId: string): Promise<boolean> {
    const now = Date.now();
    const others = await this.link.command.eval(
      `local own = redis.call('ZSCORE', KEYS[1], ARGV[1])
       local n = redis.call('ZCOUNT', KEYS[1], ARGV[2], '+inf')
       if own and tonumber(own) >= tonumber(ARGV[2]) then n = n - 1 end
       redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
       redis.call('PEXPIRE', KEYS[1], ARGV[4])
       redis.call('SADD', KEYS[2], ARGV[5])
       redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
       return n`,
      3,
      this.#user(userId),
      this.#nodeUsers(this.nodeId),
      this.#nodes,
      this.nodeId,
      now,
      now + this.ttlMs,
      this.ttlMs * 2,
      userId,
    );
    return Number(others) === 0;
  }

  /** This node no longer holds `userId`: true when no node does (they just went offline). */
  async remove(userId: string): Promise<boolean> {
    const left = await this.link.command.eval(
      `redis.call('ZREM', KEYS[1], ARGV[1])
       redis.call('SREM', KEYS[2], ARGV[3])
       return redis.call('ZCOUNT', KEYS[1], ARGV[2], '+inf')`,
      2,
      this.#user(userId),
      this.#nodeUsers(this.nodeId),
      this.nodeId,
      Date.now(),
      userId,
    );
    return Number(left) === 0;
  }

  /** Which of `userIds` some node holds. */
  async onlineAmong(userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const now = Date.now();
    const pipeline = this.link.command.pipeline();
    for (const id of userIds) pipeline.zcount(this.#user(id), now, '+inf');
    const results = (await pipeline.exec()) ?? [];
    const online = new Set<string>();
    results.forEach(([err, count], i) => {
      if (err) throw err;
      if (Number(count) > 0) online.add(userIds[i] as string);
    });
    return online;
  }

  /**
   * Refreshes this node's entries for `userIds`; returns those that had lapsed (Redis was
   * away, or a sweep took them): they may have been announced offline, so are announced again.
   */
  async heartbeat(userIds: readonly string[]): Promise<string[]> {
    const now = Date.now();
    const until = now + this.ttlMs;
    const pipeline = this.link.command.pipeline();
    pipeline.zadd(this.#nodes, until, this.nodeId);
    for (const id of userIds) {
      // CH: counts an updated score too; the old score tells whether it had lapsed.
      pipeline.zscore(this.#user(id), this.nodeId);
      pipeline.zadd(this.#user(id), until, this.nodeId);
      pipeline.pexpire(this.#user(id), this.ttlMs * 2);
    }
    if (userIds.length > 0) pipeline.sadd(this.#nodeUsers(this.nodeId), ...userIds);
    const results = (await pipeline.exec()) ?? [];
    const lapsed: string[] = [];
    userIds.forEach((id, i) => {
      const [err, score] = results[1 + i * 3] ?? [];
      if (err) throw err;
      if (score == null || Number(score) < now) lapsed.push(id);
    });
    return lapsed;
  }

  /** Removes nodes that stopped heartbeating; returns their users now offline everywhere. */
  async sweep(): Promise<string[]> {
    const now = Date.now();
    const dead = await this.link.command.zrangebyscore(this.#nodes, '-inf', now - 1);
    const offline: string[] = [];
    for (const node of dead) {
      if (node === this.nodeId) continue;
      // Whoever removes the node sweeps it; the others skip it.
      if ((await this.link.command.zrem(this.#nodes, node)) !== 1) continue;
      const users = await this.link.command.smembers(this.#nodeUsers(node));
      for (const userId of users) {
        const left = await this.link.command.eval(
          `redis.call('ZREM', KEYS[1], ARGV[1])
           return redis.call('ZCOUNT', KEYS[1], ARGV[2], '+inf')`,
          1,
          this.#user(userId),
          node,
          now,
        );
        if (Number(left) === 0) offline.push(userId);
      }
      await this.link.command.del(this.#nodeUsers(node));
    }
    return offline;
  }

  /** A clean stop: this node's entries go (its users' sockets have closed). */
  async leave(): Promise<void> {
    await this.link.command.zrem(this.#nodes, this.nodeId);
    await this.link.command.del(this.#nodeUsers(this.nodeId));
  }
}
