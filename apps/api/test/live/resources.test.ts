import { describe, expect, it } from 'vitest';
import { collect, connect, shareRoom, waitFor, withPeople } from '../support/harness.js';

const { server, ana, ben } = withPeople(['ana', 'ben']);

const sharedRoom = (name: string) => shareRoom(ana, ben, name);

describe('resources', () => {
  it('1000 subscribe/unsubscribe cycles leave no listener behind', async () => {
    const room = await sharedRoom('leaks');
    const bus = server.app.deps.bus;
    const baseline = bus.listenerCount();
    const probe = connect(server.app.url, ben.token);
    for (let batch = 0; batch < 10; batch++) {
      await waitFor(() => bus.listenerCount() === baseline, 'previous batch released');
      const subs = Array.from({ length: 100 }, () => collect(probe, room.id));
      // (Past the per-socket cap some are refused; the rest start.)
      await waitFor(() => subs.every((s) => s.started() || s.errors.length > 0), 'batch answered');
      const started = subs.filter((s) => s.started()).length;
      expect(started).toBeGreaterThan(0);
      // Each started subscription holds a listener of its own (room removals), and the room's
      // one shared listener (live/room-fanout.ts) serves them all.
      expect(bus.listenerCount()).toBe(baseline + started + 1);
      for (const s of subs) s.stop();
    }
    await waitFor(() => bus.listenerCount() === baseline, 'listeners released');
    probe.close();
    expect(bus.listenerCount()).toBe(baseline);
    expect(server.app.deps.fanout.roomCount).toBe(0);
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
