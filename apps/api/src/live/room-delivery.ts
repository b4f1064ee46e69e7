import type { Duplex } from 'node:stream';
import type { RoomEvent } from '@parley/api-contract/schemas';
import type { WebSocket } from 'ws';
import { holdForTurn, streamOf } from './coalesce.js';
import { dataFramePrefix, type SubscriptionRequest } from './encoder.js';
import type { FanoutSubscriber, SharedFrame } from './room-fanout.js';
import type { EventStream } from './stream.js';

/** ws copies its options per send: one object for every text frame. */
const TEXT = { binary: false } as const;

/**
 * How one live.roomEvents subscription receives its room's events (live/room-fanout.ts).
 * While it catches up they go into its stream, and tRPC's iterator sends them (paced replay,
 * gap reads, the seam between replay and live: live/room-feed.ts). Once caught up, each event
 * is written straight to the socket: the shared frame with this subscription's id spliced in,
 * one `ws.send`, which checks the buffered-bytes cap first (limits/sockets.ts `guardSends`).
 * That skips tRPC's per-subscriber loop (promise races, response copies, a generator hop per
 * event), the bulk of the server's CPU per delivery. The frames are the ones tRPC would send.
 */
export class RoomDelivery implements FanoutSubscriber {
  readonly #prefix: string | null;
  /** The socket's network stream, corked for the turn so a batch's frames go in one write. */
  readonly #stream: Duplex | undefined;
  /** While writing directly: the last position written, and how to hand delivery back. */
  #direct: { last: number; back(last: number | null): void } | null = null;
  #failure: { error: unknown } | null = null;

  constructor(
    private readonly stream: EventStream<RoomEvent>,
    private readonly socket: WebSocket | undefined,
    request: SubscriptionRequest | undefined,
  ) {
    this.#prefix = socket && request ? dataFramePrefix(request.id, request.jsonrpc) : null;
    this.#stream = socket && streamOf(socket);
    stream.onClose(() => this.#giveBack(null));
  }

  /** Whether this subscription's frames can be written directly (a socket, a known id). */
  get canWrite(): boolean {
    return this.#prefix !== null;
  }

  /** Called by the feed once it is caught up at `last`: live events go to the socket now. */
  handoff(last: number): Promise<number | null> {
    if (this.stream.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.#direct = { last, back: resolve };
    });
  }

  deliver(event: RoomEvent, frame: SharedFrame): boolean {
    const direct = this.#direct;
    if (!direct || !this.#prefix || !this.socket) {
      this.stream.push(event);
      return false;
    }
    if (event.position <= direct.last) return false;
    if (event.position > direct.last + 1) {
      // Out of order (a seam the feed has not crossed yet): the feed reads the gap.
      this.stream.push(event);
      this.#giveBack(direct.last);
      return false;
    }
    direct.last = event.position;
    if (this.#stream) holdForTurn(this.#stream);
    this.socket.send(frame.message(this.#prefix), TEXT);
    return true;
  }

  fail(error: unknown): void {
    this.#failure = { error };
    this.stream.close();
  }

  /** After the feed ends: a broken room feed ends the subscription with its error. */
  throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }

  #giveBack(last: number | null): void {
    const direct = this.#direct;
    this.#direct = null;
    direct?.back(last);
  }
}
