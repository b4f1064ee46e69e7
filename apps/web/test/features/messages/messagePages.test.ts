import { describe, expect, it } from 'vitest';
import {
  keepNewest,
  type MessagePages,
  messagesOf,
  newestPositionOf,
  renameUser,
  setThreadSummary,
  upsertMessage,
} from '../../../src/features/messages/messagePages';
import { ana, ben, message, minutes } from './fixtures';

const t0 = new Date(2024, 4, 14, 12, 0);
const m = (position: number) => message(position, position % 2 ? ana : ben, minutes(t0, position));

/** Two pages as the server sends them: the newest first, each page newest first. */
function pages(): MessagePages {
  return {
    pages: [
      { items: [m(6), m(5), m(4)], nextCursor: 4 },
      { items: [m(3), m(2), m(1)], nextCursor: null },
    ],
    pageParams: [null, 4],
  };
}

describe('upsertMessage', () => {
  it('puts a new message atop the newest page', () => {
    const next = upsertMessage(pages(), m(7));
    expect(next?.pages[0]?.items.map((x) => x.position)).toEqual([7, 6, 5, 4]);
    expect(next?.pages[1]).toEqual(pages().pages[1]);
  });

  it('keeps thread replies out of the list and sets their root summary', () => {
    const root = m(2);
    const reply = { ...m(7), threadId: root.id };
    expect(upsertMessage(pages(), reply)).toEqual(pages());
    const thread = { replyCount: 1, lastReplyAt: reply.createdAt, participants: [ana.id] };
    const next = setThreadSummary(pages(), root.id, thread);
    expect(messagesOf(next).find((x) => x.id === root.id)?.thread).toEqual(thread);
    expect(messagesOf(next).filter((x) => x.thread !== null)).toHaveLength(1);
  });

  it('replaces a message where it is, whichever page holds it', () => {
    const edited = { ...m(2), body: 'edited', editedAt: minutes(t0, 30).toISOString() };
    const next = upsertMessage(pages(), edited);
    expect(next?.pages[1]?.items.map((x) => x.body)).toEqual(['message 3', 'edited', 'message 1']);
    expect(messagesOf(next)).toHaveLength(6);
  });

  it('leaves what is not loaded yet alone', () => {
    expect(upsertMessage(undefined, m(1))).toBeUndefined();
  });

  it('in a window short of the latest message, updates loaded ones but adds no new one after a gap', () => {
    const edited = { ...m(5), body: 'edited', editedAt: minutes(t0, 30).toISOString() };
    const window = upsertMessage(pages(), edited, undefined, false);
    expect(messagesOf(window).map((x) => x.body)).toContain('edited');
    expect(upsertMessage(window, m(9), undefined, false)).toBe(window);
  });
});

describe('keepNewest', () => {
  const at = (n: number) => minutes(t0, n).toISOString();
  const base = m(1);
  const edit1 = { ...base, body: 'one', editedAt: at(10) };
  const edit2 = { ...base, body: 'two', editedAt: at(20) };
  const deleted = { ...base, body: '', editedAt: at(10), deletedAt: at(30) };

  it('takes a newer edit, never an older one or the unedited original', () => {
    expect(keepNewest(edit1, edit2)).toBe(edit2);
    expect(keepNewest(edit2, edit1)).toBe(edit2);
    expect(keepNewest(edit1, base)).toBe(edit1);
  });

  it('a deleted message stays deleted', () => {
    expect(keepNewest(edit1, deleted)).toBe(deleted);
    expect(keepNewest(deleted, edit2)).toBe(deleted);
    expect(keepNewest(deleted, base)).toBe(deleted);
  });
});

describe('messagesOf / newestPositionOf', () => {
  it('lists every loaded message once, oldest first', () => {
    const data = pages();
    // A live event that also arrived in a page fetched later.
    data.pages[1]?.items.unshift(m(4));
    expect(messagesOf(data).map((x) => x.position)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(messagesOf(undefined)).toEqual([]);
  });

  it('finds where live events resume', () => {
    expect(newestPositionOf(pages().pages[0] ?? { items: [], nextCursor: null })).toBe(6);
    expect(newestPositionOf({ items: [], nextCursor: null })).toBe(0);
  });
});

describe('renameUser', () => {
  it('renames their messages and the replies quoting them, and leaves the rest as they were', () => {
    const before = pages();
    const reply = message(7, ben, minutes(t0, 7), {
      replyTo: { id: 'm5', author: ana, body: 'message 5', deleted: false },
    });
    const withReply = upsertMessage(before, reply);
    const renamed = { ...ana, displayName: 'Ana Lima' };
    const after = renameUser(withReply, renamed);
    const all = messagesOf(after);
    expect(all.filter((x) => x.author.id === ana.id).map((x) => x.author.displayName)).toEqual([
      'Ana Lima',
      'Ana Lima',
      'Ana Lima',
    ]);
    expect(all.find((x) => x.id === 'm7')?.replyTo?.author.displayName).toBe('Ana Lima');
    expect(all.find((x) => x.id === 'm2')).toBe(messagesOf(withReply).find((x) => x.id === 'm2'));
  });

  it('gives back the same data when nobody of theirs is loaded', () => {
    const data = pages();
    expect(renameUser(data, { id: 'u-zoe', username: 'zoe', displayName: 'Zoe' })).toBe(data);
  });
});

describe('reactions from room events', () => {
  const thumbs = (count: number, me: boolean) => ({ emoji: '👍', count, me, users: [ana] });

  it('keeps my `me` from the cache when someone else reacts (events carry me: false)', () => {
    const mine = { ...m(2), reactions: [thumbs(1, true)] };
    const start = upsertMessage(pages(), mine);
    const event = { ...m(2), reactions: [thumbs(2, false)] };
    const next = upsertMessage(start, event, {
      meId: ana.id,
      change: { emoji: '👍', userId: ben.id, added: true },
    });
    expect(messagesOf(next).find((x) => x.id === 'm2')?.reactions).toEqual([thumbs(2, true)]);
  });

  it('sets `me` from my own change, added or removed', () => {
    const added = upsertMessage(
      pages(),
      { ...m(2), reactions: [thumbs(1, false)] },
      {
        meId: ana.id,
        change: { emoji: '👍', userId: ana.id, added: true },
      },
    );
    expect(messagesOf(added).find((x) => x.id === 'm2')?.reactions).toEqual([thumbs(1, true)]);
    const removed = upsertMessage(
      added,
      { ...m(2), reactions: [thumbs(1, false)] },
      {
        meId: ana.id,
        change: { emoji: '👍', userId: ana.id, added: false },
      },
    );
    expect(messagesOf(removed).find((x) => x.id === 'm2')?.reactions).toEqual([thumbs(1, false)]);
  });
});

describe('reply quotes', () => {
  const reply = message(7, ben, minutes(t0, 7), {
    replyTo: { id: 'm2', author: ben, body: 'message 2', deleted: false },
  });

  it('follow an edit of the quoted message', () => {
    const data = upsertMessage(pages(), reply);
    const edited = { ...m(2), body: 'better words', editedAt: minutes(t0, 30).toISOString() };
    const next = upsertMessage(data, edited);
    expect(messagesOf(next).find((x) => x.id === 'm7')?.replyTo).toMatchObject({
      body: 'better words',
      deleted: false,
    });
  });

  it('follow a delete of the quoted message', () => {
    const data = upsertMessage(pages(), reply);
    const gone = { ...m(2), body: '', deletedAt: minutes(t0, 30).toISOString() };
    const next = upsertMessage(data, gone);
    expect(messagesOf(next).find((x) => x.id === 'm7')?.replyTo).toMatchObject({
      body: '',
      deleted: true,
    });
  });

  it('leave the pages as they were when nothing quotes the message', () => {
    const data = upsertMessage(pages(), reply);
    const edited = { ...m(3), body: 'other', editedAt: minutes(t0, 30).toISOString() };
    const next = upsertMessage(data, edited);
    expect(next?.pages[0]).toBe(data?.pages[0]);
  });
});
