import type { RoomEvent } from '@parley/api-contract/schemas';
import { describe, expect, it } from 'vitest';
import { REPLAY_PAGE, roomFeed } from '../../src/live/room-feed.js';
import { EventStream } from '../../src/live/stream.js';

/** A room's event log in memory, standing in for the database; it records every read. */
function roomLog(count: number) {
  const events: RoomEvent[] = Array.from({ length: count }, (_, i) => event(i + 1));
  const reads: Array<{ after: number; limit: number }> = [];
  return {
    events,
    reads,
    read: async (after: number, limit: number) => {
      reads.push({ after, limit });
      return events.filter((e) => e.position > after).slice(0, limit);
    },
  };
}

function event(position: number): RoomEvent {
  return {
    type: 'message.created',
    position,
    message: {
      id: `m${position}`,
      roomId: 'room',
      position,
      clientId: `c${position}`,
      body: `body ${position}`,
      author: { id: 'u', username: 'ana', displayName: 'Ana' },
      replyTo: null,
      createdAt: new Date(0).toISOString(),
      editedAt: null,
      deletedAt: null,
      threadId: null,
      thread: null,
      reactions: [],
      mentions: [],
    },
  };
}

/**
 * The positions the feed yields until it yields `until`; then the live stream closes, so the
 * feed ends after whatever it still had in hand (a duplicate there would show).
 */
async function positionsUntil(
  feed: AsyncGenerator<RoomEvent>,
  live: EventStream<RoomEvent>,
  until: number,
  onEvent: (position: number) => void = () => {},
) {
  const positions: number[] = [];
  for await (const e of feed) {
    positions.push(e.position);
    onEvent(e.position);
    if (e.position === until) live.close();
  }
  return positions;
}

describe('roomFeed', () => {
  it('replays everything after the resume point in pages, then continues live', async () => {
    const log = roomLog(7);
    const live = new EventStream<RoomEvent>();
    const feed = roomFeed({ live, read: log.read, after: 2, replay: true, pageSize: 2 });
    live.push(event(8));
    expect(await positionsUntil(feed, live, 8)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(log.reads.map((r) => r.after)).toEqual([2, 4, 6]);
  });

  it('skips live events the replay already gave (the seam), and never yields one twice', async () => {
    const log = roomLog(5);
    const live = new EventStream<RoomEvent>();
    // Published while the replay was being read: already in the log, and on the live stream.
    for (const p of [4, 5, 5]) live.push(event(p));
    const feed = roomFeed({ live, read: log.read, after: 0, replay: true });
    const positions = await positionsUntil(feed, live, 6, (position) => {
      if (position !== 5) return;
      log.events.push(event(6));
      live.push(event(6));
    });
    expect(positions).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads a gap from the database when a live event arrives ahead of one still missing', async () => {
    const log = roomLog(3);
    const live = new EventStream<RoomEvent>();
    const feed = roomFeed({ live, read: log.read, after: 3, replay: false });
    // Position 5 is published before 4 (publishers race after commit); both are committed.
    log.events.push(event(4), event(5));
    live.push(event(5));
    live.push(event(4));
    expect(await positionsUntil(feed, live, 5)).toEqual([4, 5]);
    expect(log.reads).toEqual([{ after: 3, limit: REPLAY_PAGE }]);
  });

  it('without replay starts from now: reads nothing until a gap appears', async () => {
    const log = roomLog(10);
    const live = new EventStream<RoomEvent>();
    const feed = roomFeed({ live, read: log.read, after: 10, replay: false });
    log.events.push(event(11));
    live.push(event(11));
    expect(await positionsUntil(feed, live, 11)).toEqual([11]);
    expect(log.reads).toEqual([]);
  });

  it('ends when the live stream closes, even in the middle of a catch-up', async () => {
    const log = roomLog(10);
    const live = new EventStream<RoomEvent>();
    const feed = roomFeed({ live, read: log.read, after: 0, replay: true, pageSize: 3 });
    const positions: number[] = [];
    for await (const e of feed) {
      positions.push(e.position);
      if (e.position === 2) live.close();
    }
    // The page in hand is finished; no further page is read.
    expect(positions).toEqual([1, 2, 3]);
    expect(log.reads).toHaveLength(1);
  });
});
