import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ReadMarkThrottle } from '../../../src/features/rooms/readMarkThrottle';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

it('sends the first mark at once, then the newest per room at most once per interval', () => {
  const sent: Array<[string, number]> = [];
  const throttle = new ReadMarkThrottle((roomId, position) => sent.push([roomId, position]), 500);
  throttle.mark('a', 1);
  vi.advanceTimersByTime(0);
  expect(sent).toEqual([['a', 1]]);
  for (let p = 2; p <= 40; p++) {
    throttle.mark('a', p);
    vi.advanceTimersByTime(10);
  }
  // 390 ms of marks, one every 10 ms: one more send, at 500 ms, with the newest.
  expect(sent).toEqual([['a', 1]]);
  vi.advanceTimersByTime(200);
  expect(sent).toEqual([
    ['a', 1],
    ['a', 40],
  ]);
  throttle.mark('a', 39);
  vi.advanceTimersByTime(1000);
  expect(sent).toHaveLength(2);
});
