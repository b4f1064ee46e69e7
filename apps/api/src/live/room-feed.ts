import type { RoomEvent } from '@parley/api-contract/schemas';
import type { EventStream } from './stream.js';

/** How many events one database read of a catch-up returns at most. */
export const REPLAY_PAGE = 500;

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
}

/**
 * A room's events in position order, with no gap and no duplicate. The live source is
 * subscribed before the database is read, and anything at or below the last yielded position
 * is skipped, so the seam between replay and live has neither. A live event that arrives ahead
 * of one still missing (publishers race after commit) triggers a read of the gap.
 */
export async function* roomFeed(options: RoomFeedOptions): AsyncGenerator<RoomEvent> {
  const { live, read, pageSize = REPLAY_PAGE } = options;
  let last = options.after;
  const catchUp = async function* (until: number) {
    while (last < until && !live.closed) {
      const page = await read(last, pageSize);
      for (const event of page) {
        last = event.position;
        yield event;
      }
      if (page.length < pageSize) return;
    }
  };
  if (options.replay) yield* catchUp(Number.MAX_SAFE_INTEGER);
  while (!live.closed) {
    for (const event of await live.take()) {
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
