import type { RoomSummary } from '@parley/api-contract';
import { describe, expect, it } from 'vitest';
import {
  applyUserEvent,
  markedRead,
  refetchAfter,
  splitArchived,
} from '../../../src/features/rooms/roomListReducer';

function room(id: string, extra: Partial<RoomSummary> = {}): RoomSummary {
  return {
    id,
    kind: 'public',
    name: id,
    role: 'member',
    topic: '',
    archivedAt: null,
    lastPosition: 10,
    lastReadPosition: 10,
    unread: 0,
    mentionCount: 0,
    notifications: 'mentions',
    memberCount: 2,
    peer: null,
    lastMessage: null,
    ...extra,
  };
}

const ben = { id: 'u-ben', username: 'ben', displayName: 'Ben' };
const list = () => [
  room('general'),
  room('random', { unread: 3, lastReadPosition: 7 }),
  room('dm', { kind: 'direct', name: 'Ben', peer: { ...ben, online: false } }),
];
const viewer = { meId: 'u-me', openRoomId: 'general' };

describe('applyUserEvent', () => {
  const activity = (
    roomId: string,
    position: number,
    authorId: string,
    change: 'created' | 'edited' | 'deleted' = 'created',
    messagePosition = position,
    mentions: string[] = [],
  ) =>
    ({
      type: 'room.activity',
      roomId,
      lastPosition: position,
      authorId,
      change,
      mentions,
      message: {
        author: { id: authorId, username: authorId, displayName: authorId },
        body: `message ${messagePosition}`,
        createdAt: '2026-01-01T00:00:00.000Z',
        position: messagePosition,
      },
    }) as const;

  it('moves the open room on at once (nothing there is unread), with its preview', () => {
    const event = activity('general', 12, 'u-ben');
    const next = applyUserEvent(list(), event, viewer);
    expect(next?.[0]).toMatchObject({ id: 'general', lastPosition: 12, unread: 0 });
    expect(next?.[0]?.lastMessage).toEqual(event.message);
    expect(refetchAfter(event, list())).toBe(false);
  });

  it('moves a room on for my own message, wherever I am, and to the top', () => {
    const next = applyUserEvent(list(), activity('random', 11, 'u-me'), viewer);
    expect(next?.[0]).toMatchObject({ id: 'random', lastPosition: 11, unread: 3 });
    expect(next?.map((r) => r.id)).toEqual(['random', 'general', 'dm']);
  });

  it("counts someone else's message in another room as unread, without a refetch", () => {
    const before = list();
    const event = activity('random', 11, 'u-ben');
    const next = applyUserEvent(before, event, viewer);
    expect(next?.[0]).toMatchObject({ id: 'random', lastPosition: 11, unread: 4 });
    expect(next?.[0]?.lastMessage?.body).toBe('message 11');
    expect(refetchAfter(event, before)).toBe(false);
  });

  it('patches the preview on an edit of that message, and takes an unread away on a delete', () => {
    const withPreview = applyUserEvent(list(), activity('random', 11, 'u-ben'), viewer);
    const edited = applyUserEvent(
      withPreview,
      activity('random', 12, 'u-ben', 'edited', 11),
      viewer,
    );
    expect(edited?.[0]).toMatchObject({ lastPosition: 12, unread: 4 });
    expect(edited?.[0]?.lastMessage).toMatchObject({ body: 'message 11', position: 11 });
    // An older message deleted: one unread less, the preview stays.
    const older = activity('random', 13, 'u-ben', 'deleted', 9);
    const deleted = applyUserEvent(edited, older, viewer);
    expect(deleted?.[0]).toMatchObject({ lastPosition: 13, unread: 3 });
    expect(refetchAfter(older, edited)).toBe(false);
    // The preview's message deleted: the one before it is the server's to say.
    expect(refetchAfter(activity('random', 14, 'u-ben', 'deleted', 11), deleted)).toBe(true);
  });

  it('only moves a room on for a thread reply: neither unread nor the preview', () => {
    const before = list();
    const created = { ...activity('random', 11, 'u-ben'), inThread: true } as const;
    const next = applyUserEvent(before, created, viewer);
    expect(next?.find((r) => r.id === 'random')).toMatchObject({
      lastPosition: 11,
      unread: 3,
      lastMessage: null,
    });
    expect(refetchAfter(created, before)).toBe(false);
    // Its deletion takes no unread away either.
    const deleted = { ...activity('random', 12, 'u-ben', 'deleted', 11), inThread: true } as const;
    expect(applyUserEvent(next, deleted, viewer)?.find((r) => r.id === 'random')).toMatchObject({
      lastPosition: 12,
      unread: 3,
    });
    // A new reply that mentions me is one more mention, as the server counts it.
    const mention = {
      ...activity('random', 13, 'u-ben', 'created', 13, [viewer.meId]),
      inThread: true,
    } as const;
    expect(applyUserEvent(next, mention, viewer)?.find((r) => r.id === 'random')).toMatchObject({
      unread: 3,
      mentionCount: 1,
    });
  });

  it('refetches when a room not in the list moves on (an empty DM gets its first message)', () => {
    expect(refetchAfter(activity('new-dm', 1, 'u-ben'), list())).toBe(true);
  });

  it('never moves a room back (events can arrive after a fresher list)', () => {
    const before = list();
    const next = applyUserEvent(before, activity('general', 4, 'u-me'), viewer);
    expect(next).toBe(before);
  });

  it("follows a DM peer's presence without a refetch", () => {
    const event = { type: 'presence', userId: 'u-ben', online: true } as const;
    const next = applyUserEvent(list(), event, viewer);
    expect(next?.[2]?.peer).toMatchObject({ id: 'u-ben', online: true });
    expect(refetchAfter(event, list())).toBe(false);
    const before = list();
    expect(applyUserEvent(before, { ...event, userId: 'u-nobody' }, viewer)).toBe(before);
  });

  it('refetches when rooms come and go', () => {
    const before = list();
    const removed = { type: 'room.removed', roomId: 'random' } as const;
    expect(applyUserEvent(before, removed, viewer)).toBe(before);
    expect(refetchAfter(removed, before)).toBe(true);
    expect(refetchAfter({ type: 'room.added', room: room('new') }, before)).toBe(true);
  });

  it('renames, sets the topic and archives a room at once, without a refetch', () => {
    const info = { id: 'random', name: 'plans', topic: 'Ship it', archivedAt: null };
    const event = { type: 'room.updated', room: info } as const;
    const next = applyUserEvent(list(), event, viewer);
    expect(next?.[1]).toMatchObject({
      name: 'plans',
      topic: 'Ship it',
      archivedAt: null,
      unread: 3,
    });
    expect(refetchAfter(event, list())).toBe(false);
    const archived = applyUserEvent(
      next,
      { type: 'room.updated', room: { ...info, archivedAt: '2026-11-25T17:00:00.000Z' } },
      viewer,
    );
    expect(splitArchived(archived ?? []).archived.map((r) => r.id)).toEqual(['random']);
    expect(splitArchived(archived ?? []).open.map((r) => r.id)).toEqual(['general', 'dm']);
    // The same again changes nothing.
    expect(applyUserEvent(next, event, viewer)).toBe(next);
  });

  it('follows my role in a room', () => {
    const event = { type: 'room.role', roomId: 'general', role: 'admin' } as const;
    expect(applyUserEvent(list(), event, viewer)?.[0]?.role).toBe('admin');
    expect(refetchAfter(event, list())).toBe(false);
  });

  it('counts a new mention of me past my read mark, not in the open room nor of others', () => {
    const mention = activity('random', 11, 'u-ben', 'created', 11, ['u-me']);
    expect(applyUserEvent(list(), mention, viewer)?.[0]).toMatchObject({
      id: 'random',
      unread: 4,
      mentionCount: 1,
    });
    const inView = activity('general', 11, 'u-ben', 'created', 11, ['u-me']);
    expect(applyUserEvent(list(), inView, viewer)?.[0]?.mentionCount).toBe(0);
    const ofOthers = activity('random', 11, 'u-ben', 'created', 11, ['u-ana']);
    expect(applyUserEvent(list(), ofOthers, viewer)?.[0]?.mentionCount).toBe(0);
  });

  it('follows mentions an edit adds or removes, past my read mark only', () => {
    const change = (position: number, mentioned: boolean) =>
      ({ type: 'room.mention', roomId: 'random', messageId: 'm', position, mentioned }) as const;
    const added = applyUserEvent(list(), change(8, true), viewer);
    expect(added?.[1]?.mentionCount).toBe(1);
    expect(applyUserEvent(added, change(8, false), viewer)?.[1]?.mentionCount).toBe(0);
    const before = list();
    expect(applyUserEvent(before, change(6, true), viewer)).toBe(before);
    expect(applyUserEvent(before, change(8, false), viewer)).toBe(before);
    expect(refetchAfter(change(8, true), before)).toBe(false);
  });

  it('follows my notification level of a room', () => {
    const event = { type: 'room.notifications', roomId: 'dm', level: 'all' } as const;
    expect(applyUserEvent(list(), event, viewer)?.[2]?.notifications).toBe('all');
    expect(refetchAfter(event, list())).toBe(false);
  });

  it('waits for the list to arrive', () => {
    const event = { type: 'presence', userId: 'u-ben', online: true } as const;
    expect(applyUserEvent(undefined, event, viewer)).toBeUndefined();
  });
});

describe('markedRead', () => {
  it('clears unread and moves the read position forward only', () => {
    const next = markedRead([room('random', { unread: 3, mentionCount: 2 })], 'random', 9);
    expect(next?.[0]).toMatchObject({ unread: 0, mentionCount: 0, lastReadPosition: 10 });
    const moved = markedRead(list(), 'random', 9);
    expect(moved?.[1]).toMatchObject({ unread: 0, lastReadPosition: 9 });
    expect(markedRead(moved, 'random', 8)?.[1]?.lastReadPosition).toBe(9);
  });

  it('changes nothing for a room not in the list', () => {
    const before = list();
    expect(markedRead(before, 'elsewhere', 3)).toBe(before);
  });
});
