import type { RoomSummary } from '@parley/api-contract';
import { useEffect } from 'react';
import { roomLabel } from '../features/rooms/labels';

/**
 * "(3) #general · Parley": the unread total of the rooms I am not looking at (plus what
 * arrived in the open room while the tab was hidden), and where I am.
 */
export function pageTitle(
  rooms: readonly RoomSummary[] | undefined,
  openId: string | null,
  hiddenUnread = 0,
): string {
  const open = rooms?.find((r) => r.id === openId);
  const unread =
    (rooms?.reduce((n, r) => n + (r.id === openId ? 0 : r.unread), 0) ?? 0) +
    (open ? hiddenUnread : 0);
  const base = open ? `${roomLabel(open)} · Parley` : 'Parley';
  return unread > 0 ? `(${unread}) ${base}` : base;
}

export function usePageTitle(
  rooms: readonly RoomSummary[] | undefined,
  openId: string | null,
  hiddenUnread: number,
) {
  const title = pageTitle(rooms, openId, hiddenUnread);
  useEffect(() => {
    document.title = title;
  }, [title]);
}
