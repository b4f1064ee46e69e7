import { useSyncExternalStore } from 'react';

/**
 * "Ana removed you from #plans.": told once a room admin removes me, until I dismiss it, so a
 * room does not just vanish. Set only by the room list's live feed (roomList.ts).
 */
let current: string | null = null;
const listeners = new Set<() => void>();

function set(message: string | null): void {
  current = message;
  for (const listener of listeners) listener();
}

export function announceRemoval(message: string): void {
  set(message);
}

export function useRemovalNotice(): { message: string | null; dismiss: () => void } {
  const message = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
  return { message, dismiss: () => set(null) };
}
