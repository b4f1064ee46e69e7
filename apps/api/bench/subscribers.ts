/**
 * The subscriber side of `pnpm bench`, in its own process so that the server's figures are
 * the server's. Connects SUBSCRIBERS sockets, reports "ready", records each delivery's
 * latency from the `sentAt` the sender embedded (absolute high-resolution time, comparable
 * across processes), and reports the latencies once EXPECTED deliveries have arrived.
 */
import { performance } from 'node:perf_hooks';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import type { AppRouter } from '../src/router.js';

const { MODE, URL, TOKEN, ROOM, SUBSCRIBERS, EXPECTED } = process.env;
const count = Number(SUBSCRIBERS);
const expected = Number(EXPECTED);
const now = () => performance.timeOrigin + performance.now();
const latencies: number[] = [];
const send = (message: unknown) => process.send?.(message);

function record(sentAt: number) {
  latencies.push(now() - sentAt);
  if (latencies.length === expected) send({ type: 'done', latencies });
}

if (MODE === 'baseline') {
  let open = 0;
  for (let i = 0; i < count; i++) {
    const ws = new WebSocket(String(URL), { perMessageDeflate: false });
    ws.on('open', () => {
      if (++open === count) send({ type: 'ready' });
    });
    ws.on('message', (data) => {
      record(
        (JSON.parse(String(data)) as { result: { data: { data: { sentAt: number } } } }).result.data
          .data.sentAt,
      );
    });
  }
} else {
  for (let i = 0; i < count; i++) {
    const wsClient = createWSClient({
      url: String(URL),
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: { token: String(TOKEN) },
    });
    createTRPCClient<AppRouter>({
      links: [wsLink({ client: wsClient })],
    }).live.roomEvents.subscribe(
      { roomId: String(ROOM) },
      { onData: ({ data }) => record(Number(data.message.body.split(' ')[0])) },
    );
  }
  // The server says when all are listening (it can count its bus listeners).
  send({ type: 'ready' });
}
process.on('message', (message) => {
  if (message === 'exit') process.exit(0);
});
