import type { UserEvent } from '@parley/api-contract';
import { useSyncExternalStore } from 'react';

// Messages from others that arrived in the open room while the tab was hidden (the room is
// marked read as they arrive, so the room list does not count them): the tab title does.
let hiddenUnread = 0;
const listeners = new Set<() => void>();
const changed = () => {
  for (const listener of listeners) listener();
};
if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && hiddenUnread > 0) {
      hiddenUnread = 0;
      changed();
    }
  });
}

/** How many messages arrived in the open room while the tab was hidden. */
export function useHiddenUnread(): number {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => hiddenUnread,
  );
}

/** Counts a message of someone else's arriving in the open room while the tab is hidden. */
export function countHidden(event: UserEvent, meId: string, openRoomId: string | null): void {
  if (
    event.type === 'room.activity' &&
    document.hidden &&
    event.change === 'created' &&
    event.roomId === openRoomId &&
    event.authorId !== meId
  ) {
    hiddenUnread++;
    changed();
  }
}
