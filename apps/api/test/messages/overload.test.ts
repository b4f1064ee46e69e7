/**
 * Overload (issue 9): senders offering more than a room can write, for a few seconds. Every
 * acknowledged message reaches every subscriber exactly once, in order; every send that is not
 * accepted is refused with a code (TOO_MANY_REQUESTS), none times out or is lost.
 */
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  collect,
  type Person,
  signUp,
  startServer,
  type TestServer,
  waitFor,
} from '../support/harness.js';

const SENDERS = 12;
const SUBSCRIBERS = 4;
const OFFER_MS = 3_000;

let server: TestServer;
let people: Person[] = [];

beforeAll(async () => {
  // A short waiting line, so that the offered load is well past what the room may hold.
  server = await startServer({ roomSendQueue: 8, wsPingMs: 600_000 });
  people = await Promise.all(Array.from({ length: SENDERS }, () => signUp(server.app.url)));
}, 120_000);
afterAll(async () => {
  for (const p of people) p.close();
  await server?.close();
});

it('past capacity: acknowledged messages are delivered once to everyone, refusals carry a code', async () => {
  const [owner, ...others] = people;
  if (!owner) throw new Error('no owner');
  const room = await owner.client.rooms.create.mutate({ name: 'overload', visibility: 'public' });
  await Promise.all(others.map((p) => p.client.rooms.join.mutate({ roomId: room.id })));
  const subs = people.slice(0, SUBSCRIBERS).map((p) => collect(p, room.id));
  await waitFor(() => subs.every((s) => s.started()), 'subscribed');

  const acknowledged = new Set<string>();
  const refusals = new Map<string, number>();
  /** How long each refusal asked to wait (error.data.retryAfterMs). */
  const retryAfter: unknown[] = [];
  const until = Date.now() + OFFER_MS;
  let n = 0;
  // Each sender keeps several sends in flight at once, as fast as they are answered.
  await Promise.all(
    people.flatMap((p) =>
      Array.from({ length: 4 }, async () => {
        while (Date.now() < until) {
          const body = `m${n++}`;
          try {
            await p.client.messages.send.mutate({ roomId: room.id, body, clientId: body });
            acknowledged.add(body);
          } catch (error) {
            const code =
              error instanceof TRPCClientError ? String(error.data?.code) : `untyped: ${error}`;
            refusals.set(code, (refusals.get(code) ?? 0) + 1);
            if (error instanceof TRPCClientError) retryAfter.push(error.data?.retryAfterMs);
          }
        }
      }),
    ),
  );
  expect([...refusals.keys()].filter((code) => code !== 'TOO_MANY_REQUESTS')).toEqual([]);
  expect(refusals.get('TOO_MANY_REQUESTS') ?? 0).toBeGreaterThan(0);
  // Every refusal says when to retry: a real wait, not zero and not forever.
  for (const ms of retryAfter) {
    expect(ms).toEqual(expect.any(Number));
    expect(ms).toBeGreaterThanOrEqual(100);
    expect(ms).toBeLessThanOrEqual(10_000);
  }
  expect(acknowledged.size).toBeGreaterThan(0);
  await waitFor(
    () => subs.every((s) => s.events.length >= acknowledged.size),
    'every acknowledged message delivered',
    30_000,
  );
  for (const s of subs) {
    const bodies = s.created();
    expect(new Set(bodies).size).toBe(bodies.length);
    expect(new Set(bodies)).toEqual(acknowledged);
    expect(s.positions()).toEqual(Array.from({ length: bodies.length }, (_, i) => i + 1));
    expect(s.errors).toEqual([]);
  }
}, 120_000);
