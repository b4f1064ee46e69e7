import type { RoomEvent } from '@parley/api-contract/schemas';
import type { EventStream } from './stream.js';

/**
 * How many events one database read of a catch-up returns at most. Small, since a replay paced
 * by a slow reader holds its current page while it waits.
 */
export const REPLAY_PAGE = 50;

export interface RoomFeedOptions {
  /** The room's live events, subscribed before the first read. */
  live: EventStream<RoomEvent>;
  /** The room's events after a position, oldest first, at most `limit` (messages/replay.ts). */
  read(after: number, limit: number): Promise<RoomEvent[]>;
  /** The last position the subscriber has. */
  after: number;
  /** Read everything after `after` from the database before the live events. */
  replay: boolean;
  pageSize?: number;
  /**
   * Resolves when the reader can take more (the socket has drained). Replay awaits it before
   * each page and each event, so a slow reader never makes the server hold a whole room.
   */
  writable?: () => Promise<void>;
  /**
   * Called once the feed is caught up (everything live so far yielded, nothing queued): it
   * may take over delivery (writing live events to the socket itself) and resolve, when it
   * gives delivery back, with the last position it delivered, or with null when the stream
   * is done. Events it cannot deliver in order it pushes to `live` before resolving.
   */
  handoff?: (last: number) => Promise<number | null>;
}

/**
 * A room's events in position order, with no gap and no duplicate. The live source is
 * subscribed before the database is read, and anything at or below the last yielded position
 * is skipped, so the seam between replay and live has neither. A live event that arrives ahead
 * of one still missing (publishers race after commit) triggers a read of the gap.
 */
export async function* roomFeed(options: RoomFeedOptions): AsyncGenerator<RoomEvent> {
  const { live, read, pageSize = REPLAY_PAGE, writable = async () => {} } = options;
  let last = options.after;
  const catchUp = async function* (until: number) {
    while (last < until && !live.closed) {
      await writable();
      const page = await read(last, pageSize);
      for (const event of page) {
        await writable();
        last = event.position;
        yield event;
      }
      if (page.length < pageSize) return;
    }
  };
  if (options.replay) yield* catchUp(Number.MAX_SAFE_INTEGER);
  while (!live.closed) {
    if (options.handoff && live.idle) {
      const back = await options.handoff(last);
      if (back === null) return;
      last = back;
      continue;
    }
    const batch = await live.take();
    // Live events piled up while a replay waited and were dropped: read them from the log.
    if (live.takeOverflow()) yield* catchUp(Number.MAX_SAFE_INTEGER);
    for (const event of batch) {
      if (event.position <= last) continue;
      if (event.position > last + 1) {
        yield* catchUp(event.position);
        if (event.position <= last) continue;
      }
      last = event.position;
      yield event;
    }
  }
}
