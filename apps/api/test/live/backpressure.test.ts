import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sendMessage } from '../../src/messages/service.js';
import { clientId, signUp, startServer, waitFor } from '../support/harness.js';

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  // Keep-alive pings would also drop a paused peer; push them out of the way so that only
  // the buffer cap can close it.
  server = await startServer({ maxBufferedBytes: 256 * 1024, wsPingMs: 600_000 });
});
afterAll(() => server?.close());

it('closes the socket of a consumer that stops reading, instead of buffering without bound', async () => {
  const ana = await signUp(server.app.url, 'ana');
  const room = await ana.client.rooms.create.mutate({ name: 'firehose', visibility: 'private' });

  const baseline = server.app.deps.bus.listenerCount();
  const raw = new WebSocket(`${server.app.url.replace('http', 'ws')}/trpc?connectionParams=1`);
  await new Promise((resolve) => raw.once('open', resolve));
  raw.send(JSON.stringify({ method: 'connectionParams', data: { token: ana.token } }));
  raw.send(
    JSON.stringify({
      id: 1,
      method: 'subscription',
      params: { path: 'live.roomEvents', input: { roomId: room.id } },
    }),
  );
  await waitFor(() => server.app.wss.clients.size === 1, 'socket registered');
  await waitFor(() => server.app.deps.bus.listenerCount() > baseline, 'subscription listening');
  // Stop reading: the kernel buffers fill, then the server's send queue grows.
  raw.pause();

  const body = 'x'.repeat(3900);
  let sent = 0;
  while (server.app.wss.clients.size > 0 && sent < 5000) {
    await sendMessage(server.app.deps, ana.user.id, {
      roomId: room.id,
      body,
      clientId: clientId(),
    });
    sent++;
    // Let timers run: in-process PGlite can answer in microtasks alone.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await waitFor(() => server.app.wss.clients.size === 0, 'slow socket closed', 30_000);
  expect(sent).toBeLessThan(5000);
  // Its subscription let go of the bus too.
  await waitFor(() => server.app.deps.bus.listenerCount() === baseline, 'listeners released');
  raw.terminate();
  ana.close();
});
