import { useSyncExternalStore } from 'react';

/**
 * The open room lives in the URL hash (#/room/<id>) so a reload comes back to it; with
 * /message/<id> after it, the room opens scrolled to that message (a search result, a mention).
 */
const ROOM_ROUTE = /^#\/room\/([\w-]+)(?:\/message\/([\w-]+))?$/;

export function currentRoomId(): string | null {
  return ROOM_ROUTE.exec(location.hash)?.[1] ?? null;
}

/** The message the open room was asked to show (#/room/<room>/message/<id>), or null. */
export function currentMessageTarget(): string | null {
  return ROOM_ROUTE.exec(location.hash)?.[2] ?? null;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function useRoomRoute(): string | null {
  return useSyncExternalStore(subscribe, currentRoomId);
}

export function useMessageTarget(): string | null {
  return useSyncExternalStore(subscribe, currentMessageTarget);
}

export function roomHref(roomId: string): string {
  return `#/room/${roomId}`;
}

export function openRoom(roomId: string | null): void {
  const next = roomId ? roomHref(roomId) : '#/';
  if (location.hash !== next) location.hash = next;
}

export function messageHref(roomId: string, messageId: string): string {
  return `${roomHref(roomId)}/message/${messageId}`;
}

/** Opens a room scrolled to one message, loaded around it and briefly highlighted. */
export function openMessage(roomId: string, messageId: string): void {
  location.hash = messageHref(roomId, messageId);
}

/** Screens that take the place of a room: #/settings, #/admin, #/mentions. */
export type Screen = 'settings' | 'admin' | 'mentions';

export function currentScreen(): Screen | null {
  const name = /^#\/(\w+)$/.exec(location.hash)?.[1];
  return name === 'settings' || name === 'admin' || name === 'mentions' ? name : null;
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
