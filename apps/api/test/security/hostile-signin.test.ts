/**
 * Hostile (issue 14, finding 5): guessing passwords. Ten wrong passwords from anywhere used to
 * lock the real user out for five minutes. Now failures count per (username, address) and per
 * address per day, so a stranger cannot lock anyone out; guesses at one account from many
 * addresses are spaced out (a growing delay, never a lock), and the account's own familiar
 * addresses are not slowed. Addresses come through a trusted proxy's X-Forwarded-For.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type Hostile, PASSWORD, sleep, startHostile } from './hostile-support.js';

let server: Hostile;

/** A sign-in as it reaches the server through the proxy from `address`. */
async function signInFrom(address: string, username: string, password: string) {
  const response = await fetch(`${server.url}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address },
    body: JSON.stringify({ username, password }),
  });
  const body: unknown = await response.json();
  return {
    status: response.status,
    code: errorOf(body).code ?? 'ok',
    message: errorOf(body).message,
  };
}

async function signUpFrom(address: string, username: string) {
  const response = await fetch(`${server.url}/trpc/auth.signUp`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  expect(response.status).toBe(200);
}

describe('hostile: sign-in without lock-out', () => {
  beforeAll(async () => {
    server = await startHostile({
      trustProxy: true,
      trustedProxies: ['127.0.0.1', '::1'],
      limits: {
        rates: { auth: { points: 10_000, seconds: 60 } },
        signIn: {
          failsPerUserAddress: 10,
          failsPerAddressDay: 40,
          freeFailsPerUser: 5,
          maxDelaySeconds: 2,
        },
      },
    });
    await signUpFrom('198.51.100.1', 'bob');
    await signUpFrom('198.51.100.1', 'alice');
  });
  afterAll(() => server?.close());

  it('an attacker elsewhere cannot lock the real user out', async () => {
    const results: string[] = [];
    for (let i = 0; i < 30; i++) {
      results.push((await signInFrom('203.0.113.66', 'bob', `guess ${i}`)).code);
    }
    // The attacker's own address is stopped after its ten consecutive failures…
    expect(results.filter((r) => r === 'UNAUTHORIZED').length).toBeLessThanOrEqual(10);
    expect(results.at(-1)).toBe('TOO_MANY_REQUESTS');
    // …even with the right password, so guessing confirms nothing.
    expect((await signInFrom('203.0.113.66', 'bob', PASSWORD)).code).toBe('TOO_MANY_REQUESTS');
    // Bob, from the address he signed up from, gets in at once.
    expect((await signInFrom('198.51.100.1', 'bob', PASSWORD)).code).toBe('ok');
    // From a new address (a new phone) he may be asked to wait a moment, never locked out.
    let outcome = await signInFrom('198.51.100.99', 'bob', PASSWORD);
    for (let tries = 0; outcome.code === 'TOO_MANY_REQUESTS' && tries < 5; tries++) {
      expect(outcome.message).toMatch(/Try again in [12] seconds?\./);
      await sleep(2_100);
      outcome = await signInFrom('198.51.100.99', 'bob', PASSWORD);
    }
    expect(outcome.code).toBe('ok');
  });

  it('slows a guess at one account from many addresses to one try per delay', async () => {
    const started = Date.now();
    const outcomes: string[] = [];
    // 40 addresses × 3 guesses, all at once: a botnet.
    await Promise.all(
      Array.from({ length: 40 }, async (_, a) => {
        for (let i = 0; i < 3; i++) {
          outcomes.push((await signInFrom(`192.0.2.${a + 1}`, 'alice', `botnet ${a}-${i}`)).code);
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const checked = outcomes.filter((o) => o === 'UNAUTHORIZED').length;
    // Five free failures, then at most one guess per spacing (≤ 2 s here, the cap).
    expect(checked).toBeLessThanOrEqual(5 + Math.ceil(seconds) + 1);
    expect(outcomes.filter((o) => o === 'TOO_MANY_REQUESTS').length).toBeGreaterThan(100);
    // Alice, from her familiar address, is not slowed at all.
    expect((await signInFrom('198.51.100.1', 'alice', PASSWORD)).code).toBe('ok');
  });

  it('stops one address guessing across many accounts for the day, not the accounts', async () => {
    const results: string[] = [];
    for (let i = 0; i < 60; i++) {
      results.push((await signInFrom('203.0.113.77', `nobody${i}`, 'password?')).code);
    }
    expect(results.filter((r) => r === 'UNAUTHORIZED')).toHaveLength(40);
    expect(results.slice(40).every((r) => r === 'TOO_MANY_REQUESTS')).toBe(true);
    const refused = await signInFrom('203.0.113.77', 'bob', PASSWORD);
    expect(refused.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.message).toMatch(/Try again in \d+ seconds\./);
    // Everyone else signs in as usual.
    expect((await signInFrom('198.51.100.1', 'bob', PASSWORD)).code).toBe('ok');
  });
});
