import type { NotifyLevel } from '@parley/api-contract';
import { useMutation, useQuery } from '@tanstack/react-query';
import { flushSync } from 'react-dom';
import { openRoom } from '../../lib/route';
import { useTRPC } from '../../lib/trpc';
import { useRefreshRoomList } from './roomList';

interface Callbacks {
  /** Called once the room is in the sidebar and open. */
  onDone: () => void;
  onError: (error: unknown) => void;
}

/**
 * After a room is created, joined or opened: refresh the sidebar, `onDone` (the dialog closes,
 * now, so the focus it hands back is taken again by the room's composer), then go there.
 */
function useGoToRoom(onDone: () => void) {
  const refresh = useRefreshRoomList();
  return async (roomId: string) => {
    await refresh();
    flushSync(onDone);
    openRoom(roomId);
  };
}

export function useCreateRoom({ onDone, onError }: Callbacks) {
  const trpc = useTRPC();
  const goToRoom = useGoToRoom(onDone);
  return useMutation(
    trpc.rooms.create.mutationOptions({ onSuccess: (room) => goToRoom(room.id), onError }),
  );
}

/** Public rooms whose name matches `search` (all of them when it is empty). */
export function useBrowseRooms(search: string) {
  const trpc = useTRPC();
  return useQuery(trpc.rooms.browse.queryOptions(search ? { search } : {}, { staleTime: 5_000 }));
}

export function useJoinRoom({ onDone, onError }: Callbacks) {
  const trpc = useTRPC();
  const goToRoom = useGoToRoom(onDone);
  return useMutation(
    trpc.rooms.join.mutationOptions({
      onSuccess: (_data, { roomId }) => goToRoom(roomId),
      onError,
    }),
  );
}

/** Opens (creating it the first time) my direct room with someone. */
export function useOpenDirect({ onDone, onError }: Callbacks) {
  const trpc = useTRPC();
  const goToRoom = useGoToRoom(onDone);
  return useMutation(
    trpc.rooms.openDirect.mutationOptions({ onSuccess: (room) => goToRoom(room.id), onError }),
  );
}

/**
 * Sets my notification level of a room. The room list follows from my own stream
 * (`room.notifications`), which also tells my other devices.
 */
export function useSetNotifications(roomId: string, onError: (error: unknown) => void) {
  const trpc = useTRPC();
  const refresh = useRefreshRoomList();
  const { mutate, isPending } = useMutation(
    // Refreshed too, in case the stream is between connections.
    trpc.rooms.setNotifications.mutationOptions({ onSuccess: () => void refresh(), onError }),
  );
  return {
    setLevel: (level: NotifyLevel) => mutate({ roomId, level }),
    saving: isPending,
  };
}
