import { describe, expect, it } from 'vitest';
import {
  applyToThread,
  setRootSummary,
  type ThreadPages,
  threadOf,
} from '../../../src/features/threads/threadPages';
import { ana, ben, message } from '../messages/fixtures';

const at = new Date(2026, 0, 5, 10, 0);
const root = message(1, ana, at);
const reply = (position: number) => message(position, ben, at, { threadId: root.id });

function pages(...items: number[][]): ThreadPages {
  return {
    pages: items.map((positions, i) => ({
      root,
      items: positions.map(reply),
      nextCursor: i === items.length - 1 ? null : (positions.at(-1) ?? 0),
    })),
    pageParams: items.map((_, i) => (i === 0 ? null : i)),
  };
}

describe('a thread cache', () => {
  it('appends a new reply after the last once the newest page is loaded', () => {
    const next = applyToThread(pages([2, 3]), root.id, reply(7), ana.id);
    expect(threadOf(next).replies.map((m) => m.position)).toEqual([2, 3, 7]);
  });

  it('leaves a new reply out while newer pages are still to load (paging brings it)', () => {
    const data = pages([2, 3]);
    const first = data.pages[0];
    if (!first) throw new Error('no page');
    const partial: ThreadPages = { ...data, pages: [{ ...first, nextCursor: 3 }] };
    expect(applyToThread(partial, root.id, reply(7), ana.id)).toBe(partial);
  });

  it('replaces a reply in its page, once, and keeps a deletion over an older edit', () => {
    const deleted = { ...reply(3), body: '', deletedAt: at.toISOString() };
    const once = applyToThread(pages([2, 3], [4]), root.id, deleted, ana.id);
    const twice = applyToThread(once, root.id, deleted, ana.id);
    expect(threadOf(twice).replies.map((m) => m.position)).toEqual([2, 3, 4]);
    const edited = { ...reply(3), body: 'late edit', editedAt: at.toISOString() };
    expect(threadOf(applyToThread(twice, root.id, edited, ana.id)).replies[1]?.deletedAt).not.toBe(
      null,
    );
  });

  it('ignores messages of other threads and of the room', () => {
    const data = pages([2]);
    const elsewhere = message(9, ben, at, { threadId: 'another-root' });
    expect(applyToThread(data, root.id, elsewhere, ana.id)).toBe(data);
    expect(applyToThread(data, root.id, message(10, ben, at), ana.id)).toBe(data);
  });

  it('updates the root (an edit) and its summary in every page', () => {
    const edited = { ...root, body: 'new text', editedAt: at.toISOString() };
    const data = applyToThread(pages([2], [3]), root.id, edited, ana.id);
    const summary = { replyCount: 2, lastReplyAt: at.toISOString(), participants: [ben.id] };
    const next = setRootSummary(data, summary);
    for (const page of next?.pages ?? []) {
      expect(page.root.body).toBe('new text');
      expect(page.root.thread).toEqual(summary);
    }
    expect(threadOf(next).root?.thread?.replyCount).toBe(2);
  });
});
