import type { ActivityEvent } from '@parley/api-contract';

/** How long a "typing" shows without news. The server says when typing stops; this only guards
 * against a lost "stopped" event. */
export const TYPING_SHOWN_MS = 20_000;

/** Who is online and who is typing in the open room. */
export interface Activity {
  /** null until the snapshot arrives: until then the room list's idea of presence stands. */
  online: ReadonlySet<string> | null;
  /** Everyone typing but me, until when they count as typing. */
  typing: ReadonlyMap<string, { name: string; until: number }>;
}

export const NO_ACTIVITY: Activity = { online: null, typing: new Map() };

/** A live activity event applied (pure: `now` is the time it arrived). */
export function applyActivityEvent(
  state: Activity,
  event: ActivityEvent,
  meId: string,
  now: number,
): Activity {
  if (event.type === 'presence.snapshot') {
    // Someone already mid-sentence when I open the room.
    const until = now + TYPING_SHOWN_MS;
    const typing = new Map(
      event.typing.filter((u) => u.id !== meId).map((u) => [u.id, { name: u.displayName, until }]),
    );
    return { online: new Set(event.online), typing };
  }
  if (event.type === 'presence') {
    const online = new Set(state.online ?? []);
    if (event.online) online.add(event.userId);
    else online.delete(event.userId);
    return { ...state, online };
  }
  if (event.type === 'member.joined') {
    // Until the snapshot comes the room list's idea stands; the snapshot will count them.
    if (!state.online || !event.online || state.online.has(event.user.id)) return state;
    return { ...state, online: new Set([...state.online, event.user.id]) };
  }
  if (event.type === 'member.left') {
    const wasOnline = state.online?.has(event.userId) ?? false;
    if (!wasOnline && !state.typing.has(event.userId)) return state;
    const online = state.online && new Set([...state.online].filter((id) => id !== event.userId));
    const typing = new Map([...state.typing].filter(([id]) => id !== event.userId));
    return { online, typing };
  }
  if (event.type === 'user.updated') {
    // A new display name: shown under it from now on if they are typing.
    const current = state.typing.get(event.user.id);
    if (!current) return state;
    const typing = new Map(state.typing);
    typing.set(event.user.id, { ...current, name: event.user.displayName });
    return { ...state, typing };
  }
  // The room's name, topic and roles are the room list's and member list's (RoomView applies them).
  if (event.type === 'room.updated' || event.type === 'member.role') return state;
  if (event.user.id === meId) return state;
  const typing = new Map(state.typing);
  if (event.typing) {
    typing.set(event.user.id, { name: event.user.displayName, until: now + TYPING_SHOWN_MS });
  } else typing.delete(event.user.id);
  return { ...state, typing };
}

/** Typing that has run out (its "stopped" never came); the same state if none has. */
export function expireTyping(state: Activity, now: number): Activity {
  const typing = new Map([...state.typing].filter(([, t]) => t.until > now));
  return typing.size === state.typing.size ? state : { ...state, typing };
}

export function typingText(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

/** Whether an event changes who is in the room (members and their count are fetched again). */
export function changesMembers(event: ActivityEvent): boolean {
  return (
    event.type === 'member.joined' || event.type === 'member.left' || event.type === 'member.role'
  );
}
