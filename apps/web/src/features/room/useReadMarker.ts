import type { RoomSummary } from '@parley/api-contract';
import { useEffect, useRef } from 'react';
import { useMarkRoomRead } from '../rooms/roomList';

/** Marks the open room read up to its newest event whenever that moves and the tab is visible. */
export function useReadMarker(room: RoomSummary, newestPosition: number): void {
  const markRead = useMarkRoomRead();
  const marked = useRef(room.lastReadPosition);
  const roomId = room.id;
  useEffect(() => {
    const mark = () => {
      if (document.visibilityState !== 'visible' || newestPosition <= marked.current) return;
      marked.current = newestPosition;
      markRead(roomId, newestPosition);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [newestPosition, roomId, markRead]);
}
