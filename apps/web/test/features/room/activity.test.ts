import { describe, expect, it } from 'vitest';
import {
  type Activity,
  applyActivityEvent,
  changesMembers,
  expireTyping,
  NO_ACTIVITY,
  TYPING_SHOWN_MS,
  typingText,
} from '../../../src/features/room/activity';

const me = { id: 'u-me', username: 'me', displayName: 'Me' };
const ana = { id: 'u-ana', username: 'ana', displayName: 'Ana' };
const ben = { id: 'u-ben', username: 'ben', displayName: 'Ben' };
const names = (s: Activity) => [...s.typing.values()].map((t) => t.name);

describe('applyActivityEvent', () => {
  it('starts from the snapshot: who is online, who was already typing (not me)', () => {
    const s = applyActivityEvent(
      NO_ACTIVITY,
      { type: 'presence.snapshot', online: ['u-me', 'u-ana'], typing: [me, ana] },
      me.id,
      1_000,
    );
    expect([...(s.online ?? [])]).toEqual(['u-me', 'u-ana']);
    expect(names(s)).toEqual(['Ana']);
    expect(s.typing.get('u-ana')?.until).toBe(1_000 + TYPING_SHOWN_MS);
  });

  it('counts an online joiner as online, and forgets one who leaves (typing too)', () => {
    const snap = applyActivityEvent(
      NO_ACTIVITY,
      { type: 'presence.snapshot', online: ['u-me'], typing: [ana] },
      me.id,
      0,
    );
    let s = applyActivityEvent(snap, { type: 'member.joined', user: ben, online: true }, me.id, 0);
    expect([...(s.online ?? [])]).toEqual(['u-me', 'u-ben']);
    // Offline, or already counted: nothing changes.
    expect(
      applyActivityEvent(s, { type: 'member.joined', user: ben, online: true }, me.id, 0),
    ).toBe(s);
    const offline = { ...ana, id: 'u-cleo' };
    expect(
      applyActivityEvent(s, { type: 'member.joined', user: offline, online: false }, me.id, 0),
    ).toBe(s);
    s = applyActivityEvent(s, { type: 'member.left', userId: 'u-ben' }, me.id, 0);
    expect([...(s.online ?? [])]).toEqual(['u-me']);
    s = applyActivityEvent(s, { type: 'member.left', userId: 'u-ana' }, me.id, 0);
    expect(names(s)).toEqual([]);
    expect(applyActivityEvent(s, { type: 'member.left', userId: 'u-zed' }, me.id, 0)).toBe(s);
    // Before the snapshot a joiner is left to it.
    expect(
      applyActivityEvent(NO_ACTIVITY, { type: 'member.joined', user: ben, online: true }, me.id, 0),
    ).toBe(NO_ACTIVITY);
  });

  it('says which events change who is in the room', () => {
    expect(changesMembers({ type: 'member.joined', user: ben, online: false })).toBe(true);
    expect(changesMembers({ type: 'member.left', userId: 'u-ben' })).toBe(true);
    expect(changesMembers({ type: 'presence', userId: 'u-ben', online: true })).toBe(false);
  });

  it('follows people coming and going, even before the snapshot', () => {
    let s = applyActivityEvent(
      NO_ACTIVITY,
      { type: 'presence', userId: 'u-ana', online: true },
      me.id,
      0,
    );
    expect([...(s.online ?? [])]).toEqual(['u-ana']);
    s = applyActivityEvent(s, { type: 'presence', userId: 'u-ana', online: false }, me.id, 0);
    expect(s.online?.size).toBe(0);
  });

  it('shows others typing until they stop, and never me', () => {
    let s = applyActivityEvent(NO_ACTIVITY, { type: 'typing', user: ana, typing: true }, me.id, 0);
    s = applyActivityEvent(s, { type: 'typing', user: ben, typing: true }, me.id, 0);
    expect(names(s)).toEqual(['Ana', 'Ben']);
    const same = applyActivityEvent(s, { type: 'typing', user: me, typing: true }, me.id, 0);
    expect(same).toBe(s);
    s = applyActivityEvent(s, { type: 'typing', user: ana, typing: false }, me.id, 0);
    expect(names(s)).toEqual(['Ben']);
  });
});

describe('expireTyping', () => {
  it('drops typing whose "stopped" never came, and keeps the state when nothing ran out', () => {
    let s = applyActivityEvent(NO_ACTIVITY, { type: 'typing', user: ana, typing: true }, me.id, 0);
    s = applyActivityEvent(s, { type: 'typing', user: ben, typing: true }, me.id, 5_000);
    expect(expireTyping(s, TYPING_SHOWN_MS - 1)).toBe(s);
    expect(names(expireTyping(s, TYPING_SHOWN_MS))).toEqual(['Ben']);
    expect(names(expireTyping(s, 5_000 + TYPING_SHOWN_MS))).toEqual([]);
  });
});

describe('typingText', () => {
  it('names one or two people, then says several', () => {
    expect(typingText([])).toBe('');
    expect(typingText(['Ana'])).toBe('Ana is typing…');
    expect(typingText(['Ana', 'Ben'])).toBe('Ana and Ben are typing…');
    expect(typingText(['Ana', 'Ben', 'Chloé'])).toBe('Several people are typing…');
  });
});
