import type { RoomSummary } from '@parley/api-contract';
import { describe, expect, it } from 'vitest';
import { pageTitle } from '../../src/app/pageTitle';

const room = (id: string, kind: RoomSummary['kind'], unread: number): RoomSummary => ({
  id,
  kind,
  name: id === 'dm' ? 'Ben Okafor' : id,
  role: 'member',
  topic: '',
  archivedAt: null,
  lastPosition: 0,
  lastReadPosition: 0,
  unread,
  mentionCount: 0,
  notifications: 'mentions',
  memberCount: 2,
  peer: null,
  lastMessage: null,
});

describe('pageTitle', () => {
  const rooms = [room('general', 'public', 2), room('dm', 'direct', 3)];
  it('counts unread outside the open room and names it', () => {
    expect(pageTitle(rooms, 'general')).toBe('(3) #general · Parley');
    expect(pageTitle(rooms, 'dm')).toBe('(2) Ben Okafor · Parley');
    expect(pageTitle(rooms, null)).toBe('(5) Parley');
  });
  it('is plain when nothing is unread or the list has not arrived', () => {
    expect(pageTitle([room('general', 'public', 0)], 'general')).toBe('#general · Parley');
    expect(pageTitle([room('plans', 'private', 0)], 'plans')).toBe('plans · Parley');
    expect(pageTitle(undefined, 'general')).toBe('Parley');
  });
});
