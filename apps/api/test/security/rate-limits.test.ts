/**
 * Rate limits (issue 3): a burst of sends, and guessing one account's password, over real HTTP
 * against a real server and database.
 */
import { readParleyError } from '@parley/api-contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorCode,
  errorMessage,
  expectHumanMessage,
  failure,
  type HttpClient,
  httpClient,
  outcome,
  PASSWORD,
  type Server,
  type SignedUp,
  signUp,
  startServer,
  written,
} from '../support/security-harness.js';

let server: Server;
let alice: SignedUp;
let bob: SignedUp;
let aliceHttp: HttpClient;
let roomId: string;

describe('rate limits', () => {
  beforeAll(async () => {
    server = await startServer();
    [alice, bob] = await Promise.all([signUp(server, 'alice'), signUp(server, 'bob')]);
    aliceHttp = httpClient(server, alice.token);
    const room = await aliceHttp.rooms.create.mutate({ name: 'general', visibility: 'public' });
    roomId = room.id;
    await httpClient(server, bob.token).rooms.join.mutate({ roomId });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('limits a burst of sends with TOO_MANY_REQUESTS and a kind message', async () => {
    const before = await written(server);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        aliceHttp.messages.send.mutate({ roomId, body: `burst ${i}`, clientId: `burst-${i}` }).then(
          () => 'ok',
          (error: unknown) => error,
        ),
      ),
    );
    const sent = results.filter((r) => r === 'ok').length;
    const limited = results.filter((r) => r !== 'ok');
    // About 20 go through (the 10 s burst allowance plus a second's worth), then the limit.
    expect(sent).toBeGreaterThanOrEqual(15);
    expect(limited.length).toBeGreaterThan(0);
    for (const error of limited) {
      expect(errorCode(error)).toBe('TOO_MANY_REQUESTS');
      expectHumanMessage(
        errorMessage(error),
        /faster than Parley allows\. Try again in \d+ seconds?\./,
      );
      // The same wait, for programs, in milliseconds.
      const seconds = Number(/Try again in (\d+) second/.exec(errorMessage(error))?.[1]);
      expect(readParleyError(error).retryAfterMs).toBe(seconds * 1000);
    }
    expect((await written(server)).messages).toBe(before.messages + sent);
    // Someone else is not limited by Alice's burst.
    const bobHttp = httpClient(server, bob.token);
    expect(await outcome(bobHttp.messages.send.mutate({ roomId, body: 'me', clientId: 'b' }))).toBe(
      'ok',
    );
  });

  it('limits guessing the password of one account, whatever the case of its name', async () => {
    const anonymous = httpClient(server);
    const results: string[] = [];
    for (let i = 0; i < 12; i++) {
      const username = i % 2 === 0 ? bob.username : bob.username.toUpperCase();
      results.push(
        await outcome(anonymous.auth.signIn.mutate({ username, password: `guess ${i}` })),
      );
    }
    const firstLimited = results.indexOf('TOO_MANY_REQUESTS');
    expect(firstLimited, results.join(', ')).toBeGreaterThanOrEqual(3);
    expect(results.slice(0, firstLimited).every((r) => r === 'UNAUTHORIZED')).toBe(true);
    expect(results.slice(firstLimited).every((r) => r === 'TOO_MANY_REQUESTS')).toBe(true);
    // Once limited, even the right password is not tried, so guessing confirms nothing.
    const error = await failure(
      anonymous.auth.signIn.mutate({ username: bob.username, password: PASSWORD }),
    );
    expect(errorCode(error)).toBe('TOO_MANY_REQUESTS');
    expectHumanMessage(error.message, /Too many sign-in attempts.*Try again in \d+ seconds?\./);
    // Another account can still sign in from the same address.
    expect(
      await outcome(anonymous.auth.signIn.mutate({ username: alice.username, password: PASSWORD })),
    ).toBe('ok');
  });
});
