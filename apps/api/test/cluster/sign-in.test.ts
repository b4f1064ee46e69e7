/**
 * Sign-in throttling is cluster-wide: the single-node guessing tests (security/hostile-signin)
 * repeated with the guesses spread over two nodes on one Redis. An attacker gets no more
 * attempts at an account from N nodes than from one, and an address familiar to the account
 * through one node is familiar through the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app.js';
import { testRedisUrl } from '../../src/testing.js';
import { errorOf, PASSWORD } from '../security/hostile-support.js';
import { startServer, type TestServer } from '../support/harness.js';

const redisUrl = testRedisUrl();
if (!redisUrl) console.warn('[apps/api] skipping cluster sign-in tests: no TEST_REDIS_URL');

const FREE_FAILS = 10;

describe.skipIf(!redisUrl)('sign-in throttling across two nodes', () => {
  let server: TestServer;
  let node2: RunningApp;
  let nodes: string[];

  /** A sign-in or sign-up through node `n`, as it reaches it through the proxy from `address`. */
  async function call(
    n: number,
    path: string,
    address: string,
    username: string,
    password: string,
  ) {
    const response = await fetch(`${nodes[n % 2]}/trpc/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address },
      body: JSON.stringify({ username, password }),
    });
    const body: unknown = await response.json();
    return { code: errorOf(body).code ?? 'ok', message: errorOf(body).message };
  }

  beforeAll(async () => {
    server = await startServer({
      redisUrl,
      trustProxy: true,
      trustedProxies: ['127.0.0.1', '::1'],
      limits: {
        rates: { auth: { points: 10_000, seconds: 60 } },
        signIn: {
          failsPerUserAddress: 10,
          failsPerAddressDay: 1_000,
          freeFailsPerUser: FREE_FAILS,
          maxDelaySeconds: 60,
        },
      },
    });
    node2 = await server.startSibling();
    nodes = [server.url, node2.url];
    for (const name of ['alice', 'bob'])
      expect((await call(0, 'auth.signUp', '198.51.100.1', name, PASSWORD)).code).toBe('ok');
  });
  afterAll(async () => {
    await node2?.close();
    await server?.close();
  });

  it('gives a botnet spread over both nodes no more guesses than one node would', async () => {
    const started = Date.now();
    const outcomes: string[] = [];
    // 40 addresses × 3 guesses at once, alternating between the nodes.
    await Promise.all(
      Array.from({ length: 40 }, async (_, a) => {
        for (let i = 0; i < 3; i++)
          outcomes.push(
            (await call(a + i, 'auth.signIn', `192.0.2.${a + 1}`, 'alice', `botnet ${a}-${i}`))
              .code,
          );
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const checked = outcomes.filter((o) => o === 'UNAUTHORIZED').length;
    // The free failures, then one guess per slot: slots open after 1, 2, 4 … seconds, so
    // about log2(seconds) more. Each node on its own would allow its own free failures.
    expect(checked).toBeGreaterThanOrEqual(FREE_FAILS);
    expect(checked).toBeLessThanOrEqual(FREE_FAILS + 2 + Math.ceil(Math.log2(seconds + 1)));
    expect(checked).toBeLessThan(2 * FREE_FAILS);
    expect(outcomes.filter((o) => o === 'TOO_MANY_REQUESTS').length).toBeGreaterThan(90);
    // Alice, from her familiar address, is not slowed on either node.
    for (const n of [0, 1])
      expect((await call(n, 'auth.signIn', '198.51.100.1', 'alice', PASSWORD)).code).toBe('ok');
  });

  it('knows an address made familiar through one node on the other', async () => {
    // Bob signs in on node 1 from a new address, before anyone guesses at his account.
    expect((await call(0, 'auth.signIn', '198.51.100.7', 'bob', PASSWORD)).code).toBe('ok');
    for (let a = 0; a < FREE_FAILS + 1; a++)
      await call(a, 'auth.signIn', `203.0.113.${a + 1}`, 'bob', `guess ${a}`);
    // Unfamiliar addresses now wait for the slot, on either node…
    expect((await call(1, 'auth.signIn', '203.0.113.200', 'bob', PASSWORD)).code).toBe(
      'TOO_MANY_REQUESTS',
    );
    // …but the address he used through node 1 gets straight in through node 2.
    expect((await call(1, 'auth.signIn', '198.51.100.7', 'bob', PASSWORD)).code).toBe('ok');
  });
});
