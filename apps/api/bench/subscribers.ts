/**
 * The subscriber side of `pnpm bench`, in its own process so the server's figures are the
 * server's. Opens `count` WebSocket subscribers of one room and records, per load step, each
 * delivery's latency from the send time the sender put in the body (absolute time,
 * comparable across processes).
 *
 * - parley: tRPC `live.roomEvents({ roomId, lastEventId })`, one account per socket; a socket
 *   the server closes (slow consumer, restart) reconnects and resumes from its last position,
 *   as tRPC's client does.
 * - socketio: Engine.IO v4 / Socket.IO packets over a plain WebSocket (`?role=sub` joins the
 *   room), answering pings.
 * - ws: a plain socket on `/sub`.
 */
import WebSocket from 'ws';
import { now, percentile, readDelivery } from './wire.js';

export type SubscriberRequest =
  | {
      type: 'start';
      server: 'parley' | 'socketio' | 'ws';
      url: string;
      count: number;
      roomId?: string;
      tokens?: string[];
    }
  | { type: 'count'; step: number }
  | { type: 'stats'; step: number };

export interface StepStats {
  count: number;
  p50: number;
  p99: number;
  max: number;
  /** When the first and the last delivery of the step arrived. */
  firstAt: number;
  lastAt: number;
  /** Over the whole run: deliveries at or below a socket's last position, skipped ones. */
  duplicates: number;
  gaps: number;
  reconnects: number;
  frameBytes: number;
}

interface Step {
  count: number;
  latencies: number[];
  firstAt: number;
  lastAt: number;
}

const steps = new Map<number, Step>();
let duplicates = 0;
let gaps = 0;
let reconnects = 0;
let frames = 0;
let frameBytes = 0;
let closing = false;

const send = (message: unknown) => process.send?.(message);

/** Records a frame for one socket; returns the socket's new last position. */
function record(frame: string, last: number): number {
  const delivery = readDelivery(frame);
  if (!delivery) return last;
  const at = now();
  frames++;
  frameBytes += frame.length;
  if (delivery.position <= last) {
    duplicates++;
    return last;
  }
  if (last > 0 && delivery.position > last + 1) gaps += delivery.position - last - 1;
  let step = steps.get(delivery.step);
  if (!step) {
    step = { count: 0, latencies: [], firstAt: at, lastAt: at };
    steps.set(delivery.step, step);
  }
  step.count++;
  step.latencies.push(at - delivery.sentAt);
  step.lastAt = at;
  return delivery.position;
}

function parleySubscriber(url: string, token: string, roomId: string, onReady: () => void) {
  let last = 0;
  let ready = false;
  const open = () => {
    const ws = new WebSocket(`${url}/trpc?connectionParams=1`, { perMessageDeflate: false });
    ws.on('open', () => {
      ws.send(JSON.stringify({ method: 'connectionParams', data: { token } }));
      const input = { roomId, lastEventId: String(last) };
      ws.send(
        JSON.stringify({
          id: 1,
          method: 'subscription',
          params: { path: 'live.roomEvents', input },
        }),
      );
    });
    ws.on('message', (data) => {
      const frame = String(data);
      if (frame === 'PING') return void ws.send('PONG');
      if (!ready && frame.includes('"type":"started"')) {
        ready = true;
        onReady();
        return;
      }
      if (frame.includes('"error"')) {
        console.error(`subscriber: ${frame.slice(0, 300)}`);
        return;
      }
      last = record(frame, last);
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      if (closing) return;
      reconnects++;
      setTimeout(open, 100);
    });
  };
  open();
}

function socketIoSubscriber(url: string, onReady: () => void) {
  let last = 0;
  const ws = new WebSocket(`${url}/socket.io/?EIO=4&transport=websocket&role=sub`, {
    perMessageDeflate: false,
  });
  ws.on('message', (data) => {
    const frame = String(data);
    if (frame.startsWith('42')) last = record(frame, last);
    else if (frame === '2') ws.send('3');
    else if (frame.startsWith('0')) ws.send('40');
    else if (frame.startsWith('40')) onReady();
  });
  ws.on('error', (error) => console.error(`subscriber: ${error.message}`));
}

function wsSubscriber(url: string, onReady: () => void) {
  let last = 0;
  const ws = new WebSocket(`${url}/sub`, { perMessageDeflate: false });
  ws.on('open', onReady);
  ws.on('message', (data) => {
    last = record(String(data), last);
  });
  ws.on('error', (error) => console.error(`subscriber: ${error.message}`));
}

process.on('message', (request: SubscriberRequest) => {
  if (request.type === 'start') {
    let ready = 0;
    const onReady = () => {
      if (++ready === request.count) send({ type: 'ready' });
    };
    for (let i = 0; i < request.count; i++) {
      if (request.server === 'parley') {
        parleySubscriber(request.url, request.tokens?.[i] ?? '', request.roomId ?? '', onReady);
      } else if (request.server === 'socketio') socketIoSubscriber(request.url, onReady);
      else wsSubscriber(request.url, onReady);
    }
  } else if (request.type === 'count') {
    send({ type: 'count', value: steps.get(request.step)?.count ?? 0 });
  } else {
    const step = steps.get(request.step);
    const sorted = Float64Array.from(step?.latencies ?? []).sort();
    const stats: StepStats = {
      count: step?.count ?? 0,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
      firstAt: step?.firstAt ?? Number.NaN,
      lastAt: step?.lastAt ?? Number.NaN,
      duplicates,
      gaps,
      reconnects,
      frameBytes: frames === 0 ? 0 : frameBytes / frames,
    };
    steps.delete(request.step);
    send({ type: 'stats', value: stats });
  }
});
process.on('disconnect', () => {
  closing = true;
  process.exit(0);
});
