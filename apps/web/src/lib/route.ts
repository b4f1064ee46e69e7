import { useSyncExternalStore } from 'react';

/** The open room lives in the URL hash (#/room/<id>) so a reload comes back to it. */
export function currentRoomId(): string | null {
  const m = /^#\/room\/([\w-]+)$/.exec(location.hash);
  return m?.[1] ?? null;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function useRoomRoute(): string | null {
  return useSyncExternalStore(subscribe, currentRoomId);
}

export function roomHref(roomId: string): string {
  return `#/room/${roomId}`;
}

export function openRoom(roomId: string | null): void {
  const next = roomId ? roomHref(roomId) : '#/';
  if (location.hash !== next) location.hash = next;
}

/** Screens that take the place of a room: #/settings, #/admin. */
export type Screen = 'settings' | 'admin';

export function currentScreen(): Screen | null {
  const name = /^#\/(\w+)$/.exec(location.hash)?.[1];
  return name === 'settings' || name === 'admin' ? name : null;
}

export function useScreenRoute(): Screen | null {
  return useSyncExternalStore(subscribe, currentScreen);
}

export function screenHref(screen: Screen): string {
  return `#/${screen}`;
}

export function openScreen(screen: Screen): void {
  location.hash = screenHref(screen);
}
