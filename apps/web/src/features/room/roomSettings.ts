import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc';
import { useRefreshRoomList } from '../rooms/roomList';

/**
 * A room's name, topic and archiving (room admins). The room list, which the header and the
 * sidebar read, hears of the change live; it is also asked again here for the one who made it.
 */
export function useUpdateRoom({
  onDone,
  onError,
}: {
  onDone: () => void;
  onError: (error: unknown) => void;
}) {
  const trpc = useTRPC();
  const refreshRooms = useRefreshRoomList();
  return useMutation(
    trpc.rooms.update.mutationOptions({
      onSuccess: async () => {
        await refreshRooms();
        onDone();
      },
      onError,
    }),
  );
}

/** Archives (read-only for everyone) or unarchives a room. */
export function useSetArchived(
  roomId: string,
  { onDone, onError }: { onDone?: () => void; onError: (error: unknown) => void },
) {
  const trpc = useTRPC();
  const refreshRooms = useRefreshRoomList();
  const options = {
    onSuccess: async () => {
      await refreshRooms();
      onDone?.();
    },
    onError,
  };
  const archive = useMutation(trpc.rooms.archive.mutationOptions(options));
  const unarchive = useMutation(trpc.rooms.unarchive.mutationOptions(options));
  return {
    archive: () => archive.mutate({ roomId }),
    unarchive: () => unarchive.mutate({ roomId }),
    pending: archive.isPending || unarchive.isPending,
  };
}
