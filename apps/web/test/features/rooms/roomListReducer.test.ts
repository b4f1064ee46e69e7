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
  it('moves the open room on at once (nothing there is unread)', () => {
    const next = applyUserEvent(
      list(),
      { type: 'room.activity', roomId: 'general', lastPosition: 12, authorId: 'u-ben' },
      viewer,
    );
    expect(next?.[0]).toMatchObject({ id: 'general', lastPosition: 12, unread: 0 });
  });

  it('moves a room on for my own message, wherever I am', () => {
    const next = applyUserEvent(
      list(),
      { type: 'room.activity', roomId: 'random', lastPosition: 11, authorId: 'u-me' },
      viewer,
    );
    expect(next?.[1]).toMatchObject({ lastPosition: 11, unread: 3 });
  });

  it("leaves someone else's message in another room to the refetch (the server counts unread)", () => {
    const before = list();
    const event = {
      type: 'room.activity',
      roomId: 'random',
      lastPosition: 11,
      authorId: 'u-ben',
    } as const;
    expect(applyUserEvent(before, event, viewer)).toBe(before);
    expect(refetchAfter(event)).toBe(true);
  });

  it('never moves a room back (events can arrive after a fresher list)', () => {
    const next = applyUserEvent(
      list(),
      { type: 'room.activity', roomId: 'general', lastPosition: 4, authorId: 'u-me' },
      viewer,
    );
    expect(next?.[0]?.lastPosition).toBe(10);
  });

  it("follows a DM peer's presence without a refetch", () => {
    const event = { type: 'presence', userId: 'u-ben', online: true } as const;
    const next = applyUserEvent(list(), event, viewer);
    expect(next?.[2]?.peer).toMatchObject({ id: 'u-ben', online: true });
    expect(refetchAfter(event)).toBe(false);
    const before = list();
    expect(applyUserEvent(before, { ...event, userId: 'u-nobody' }, viewer)).toBe(before);
  });

  it('refetches when rooms come and go', () => {
    const before = list();
    const removed = { type: 'room.removed', roomId: 'random' } as const;
    expect(applyUserEvent(before, removed, viewer)).toBe(before);
    expect(refetchAfter(removed)).toBe(true);
    expect(refetchAfter({ type: 'room.added', room: room('new') })).toBe(true);
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
    expect(refetchAfter(event)).toBe(false);
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
    expect(refetchAfter(event)).toBe(false);
  });

  it('waits for the list to arrive', () => {
    const event = { type: 'presence', userId: 'u-ben', online: true } as const;
    expect(applyUserEvent(undefined, event, viewer)).toBeUndefined();
  });
});

describe('markedRead', () => {
  it('clears unread and moves the read position forward only', () => {
    const next = markedRead(list(), 'random', 9);
    expect(next?.[1]).toMatchObject({ unread: 0, lastReadPosition: 9 });
    expect(markedRead(next, 'random', 8)?.[1]?.lastReadPosition).toBe(9);
  });

  it('changes nothing for a room not in the list', () => {
    const before = list();
    expect(markedRead(before, 'elsewhere', 3)).toBe(before);
  });
});
