import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendMessage } from '../../src/messages/service.js';
import { clientId, collect, connect, signUp, startServer, waitFor } from '../support/harness.js';

/** Write system calls made by this thread so far (Linux counts them per thread). */
function writeCalls(): number {
  const io = readFileSync('/proc/thread-self/io', 'utf8');
  return Number(/^syscw: (\d+)$/m.exec(io)?.[1]);
}

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  // No keep-alive pings (and pongs) while system calls are counted.
  server = await startServer({ wsPingMs: 600_000 });
});
afterAll(() => server?.close());

it('writes the events of one group commit to each subscriber in one system call', async () => {
  const { deps, url } = server.app;
  const ana = await signUp(url, 'ana');
  const room = await ana.client.rooms.create.mutate({ name: 'batch', visibility: 'private' });
  const readers = Array.from({ length: 10 }, () => connect(url, ana.token));
  const feeds = readers.map((reader) => collect(reader, room.id));
  await waitFor(() => feeds.every((f) => f.started()), 'subscribed');
  const send = (body: string) =>
    sendMessage(deps, ana.user.id, { roomId: room.id, body, clientId: clientId() });
  // Once a subscription has its first live event it is caught up: its frames are written
  // straight to its socket from then on.
  await send('warm-up');
  await waitFor(() => feeds.every((f) => f.events.length === 1), 'warm-up delivered');

  const before = writeCalls();
  // Sent together: the room's group commit writes them in one statement and publishes them in
  // one run, 8 events × 10 subscribers.
  await Promise.all(Array.from({ length: 8 }, (_, i) => send(`m${i}`)));
  await waitFor(() => feeds.every((f) => f.events.length === 9), 'batch delivered');
  const writes = writeCalls() - before;

  // One write per subscriber (and a few for the database and the log), not one per event.
  expect(writes).toBeGreaterThanOrEqual(10);
  expect(writes).toBeLessThan(40);
  for (const f of feeds) expect(f.positions()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  for (const reader of readers) reader.close();
  ana.close();
});
