/**
 * In a cluster a node's own later event often arrives before another node's earlier one, still
 * crossing Redis: the room's feed waits `gapWaitMs` for it rather than read the gap from the
 * database, delivers in order the moment it arrives, and reads the gap only when it does not.
 */
import type { RoomEvent } from '@parley/api-contract/schemas';
import { expect, it } from 'vitest';
import { MemoryBus } from '../../src/live/memory-bus.js';
import { RoomFanout } from '../../src/live/room-fanout.js';
import { waitFor } from '../support/harness.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Only the position matters to the fan-out's ordering. */
const event = (position: number) => ({ type: 'message.created', position }) as unknown as RoomEvent;

it('waits for an event still in flight instead of reading the gap, and reads it when it never comes', async () => {
  const bus = new MemoryBus();
  const reads: number[] = [];
  const fanout = new RoomFanout(bus, {
    read: async (_room, after) => {
      reads.push(after);
      return after === 2 ? [event(3)] : [];
    },
    gapWaitMs: 300,
  });
  const delivered: number[] = [];
  const { leave } = fanout.join('room', {
    deliver: (e) => {
      delivered.push(e.position);
      return false;
    },
    fail: () => {},
  });
  fanout.startAt('room', 0);
  bus.publish('room', 'room', event(2));
  await sleep(30);
  expect(delivered).toEqual([]);
  const arrived = Date.now();
  bus.publish('room', 'room', event(1));
  // In order, at once, and without a read.
  expect(delivered).toEqual([1, 2]);
  await sleep(50);
  expect(reads).toEqual([]);
  expect(Date.now() - arrived).toBeLessThan(300);
  // Position 3 never arrives: after the wait the gap is read, once.
  bus.publish('room', 'room', event(4));
  await waitFor(() => delivered.length === 4, 'the gap read');
  expect(delivered).toEqual([1, 2, 3, 4]);
  expect(reads).toEqual([2]);
  leave();
});
