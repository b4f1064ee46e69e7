import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * Fan-out writes of one turn, coalesced per socket. A group commit publishes its batch's
 * events in one synchronous run, and each event goes to every subscriber: written one by one,
 * that is one `writev` system call per event per subscriber, which was half of the server's
 * main thread at saturation (CPU profile, docs/design.md). Corking a subscriber's network
 * stream at its first frame of the turn and uncorking it once the turn's microtasks have run
 * sends the whole batch to that subscriber in one `writev`, with no added wait.
 */

/** The network stream under each server-side WebSocket (registered at upgrade, http/server.ts). */
const streams = new WeakMap<WebSocket, Duplex>();

export function registerStream(ws: WebSocket, stream: Duplex): void {
  streams.set(ws, stream);
}

export function streamOf(ws: WebSocket): Duplex | undefined {
  return streams.get(ws);
}

const held: Duplex[] = [];

function release(): void {
  // Uncorking writes synchronously; a stream corked again meanwhile is in `held` again.
  for (const stream of held.splice(0)) {
    try {
      stream.uncork();
    } catch {
      // A stream that fails its write is destroyed and closes its socket: the others still go.
    }
  }
}

/** Holds the stream's writes until the current run of microtasks ends, then sends them at once. */
export function holdForTurn(stream: Duplex): void {
  if (stream.writableCorked > 0) return;
  stream.cork();
  if (held.push(stream) === 1) queueMicrotask(release);
}
