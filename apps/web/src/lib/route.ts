import { useSyncExternalStore } from 'react';

/**
 * The open room lives in the URL hash (#/room/<id>) so a reload comes back to it; with
 * /message/<id> after it, the room opens scrolled to that message (a search result, a mention).
 * With /thread/<root> after that, the root's thread is open beside the room, and with
 * /reply/<id> one of its replies is highlighted in it.
 */
const ROOM_ROUTE =
  /^#\/room\/([\w-]+)(?:\/message\/([\w-]+))?(?:\/thread\/([\w-]+)(?:\/reply\/([\w-]+))?)?$/;

export function currentRoomId(): string | null {
  return ROOM_ROUTE.exec(location.hash)?.[1] ?? null;
}

/** The message the open room was asked to show (#/room/<room>/message/<id>), or null. */
export function currentMessageTarget(): string | null {
  return ROOM_ROUTE.exec(location.hash)?.[2] ?? null;
}

/** The root of the open thread (…/thread/<root>), or null. */
export function currentThreadRoot(): string | null {
  return ROOM_ROUTE.exec(location.hash)?.[3] ?? null;
}

/** The reply the open thread was asked to show (…/thread/<root>/reply/<id>), or null. */
export function currentThreadReply(): string | null {
  return ROOM_ROUTE.exec(location.hash)?.[4] ?? null;
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

export function useThreadRoute(): { rootId: string | null; replyId: string | null } {
  const rootId = useSyncExternalStore(subscribe, currentThreadRoot);
  const replyId = useSyncExternalStore(subscribe, currentThreadReply);
  return { rootId, replyId };
}

export function roomHref(roomId: string): string {
  return `#/room/${roomId}`;
}

export function openRoom(roomId: string | null): void {
  const next = roomId ? roomHref(roomId) : '#/';
  if (location.hash !== next) location.hash = next;
}

/**
 * A message in its room; a thread reply (`threadId`: its root) opens the room at the root with
 * the thread open beside it and the reply highlighted there (the room's list has no replies).
 */
export function messageHref(roomId: string, messageId: string, threadId?: string | null): string {
  return threadId
    ? `${roomHref(roomId)}/message/${threadId}/thread/${threadId}/reply/${messageId}`
    : `${roomHref(roomId)}/message/${messageId}`;
}

/** Opens a room scrolled to one message, loaded around it and briefly highlighted. */
export function openMessage(roomId: string, messageId: string, threadId?: string | null): void {
  location.hash = messageHref(roomId, messageId, threadId);
}

/** Opens a thread beside the room, keeping the message the room was opened at. */
export function openThread(roomId: string, rootId: string): void {
  const target = currentRoomId() === roomId ? currentMessageTarget() : null;
  const next = `${target ? `${roomHref(roomId)}/message/${target}` : roomHref(roomId)}/thread/${rootId}`;
  if (location.hash !== next) location.hash = next;
}

/** Closes the open thread; the room stays where it was. */
export function closeThread(): void {
  const roomId = currentRoomId();
  if (!roomId) return;
  const target = currentMessageTarget();
  location.hash = target ? `${roomHref(roomId)}/message/${target}` : roomHref(roomId);
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
