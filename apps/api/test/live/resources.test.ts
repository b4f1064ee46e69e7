import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect,
  connect,
  type Person,
  shareRoom,
  signUp,
  startServer,
  type TestServer,
  waitFor,
} from '../support/harness.js';

let server: TestServer;
let ana: Person;
let ben: Person;

beforeAll(async () => {
  server = await startServer();
  ana = await signUp(server.app.url, 'ana');
  ben = await signUp(server.app.url, 'ben');
});
afterAll(async () => {
  ana?.close();
  ben?.close();
  await server?.close();
});

const sharedRoom = (name: string) => shareRoom(ana, ben, name);

describe('resources', () => {
  it('1000 subscribe/unsubscribe cycles leave no listener behind', async () => {
    const room = await sharedRoom('leaks');
    const bus = server.app.deps.bus;
    const baseline = bus.listenerCount();
    const probe = connect(server.app.url, ben.token);
    for (let batch = 0; batch < 10; batch++) {
      const subs = Array.from({ length: 100 }, () => collect(probe, room.id));
      // Each live subscription holds at least one bus listener once its generator runs.
      await waitFor(() => bus.listenerCount() >= baseline + 100, 'batch listening');
      for (const s of subs) s.stop();
    }
    await waitFor(() => bus.listenerCount() === baseline, 'listeners released');
    probe.close();
    expect(bus.listenerCount()).toBe(baseline);
  });

  it('closing the socket releases its subscriptions', async () => {
    const room = await sharedRoom('socket close');
    const bus = server.app.deps.bus;
    const baseline = bus.listenerCount();
    const probe = connect(server.app.url, ben.token);
    const subs = Array.from({ length: 20 }, () => collect(probe, room.id));
    await waitFor(() => subs.every((s) => s.started()), 'started');
    probe.close();
    await waitFor(() => bus.listenerCount() === baseline, 'listeners released on close');
  });
});
