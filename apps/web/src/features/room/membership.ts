import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { openRoom } from '../../lib/route';
import { useTRPC } from '../../lib/trpc';
import { useRefreshRoomList } from '../rooms/roomList';

/** A room's members (online as of when they were fetched; live presence is `useRoomActivity`). */
export function useMembers(roomId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.rooms.members.queryOptions({ roomId }));
}

/** Fetches a room's members again (someone joined, left or was removed). */
export function useRefreshMembers(roomId: string): () => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    () => queryClient.invalidateQueries(trpc.rooms.members.queryFilter({ roomId })),
    [queryClient, trpc, roomId],
  );
}

export function useInvite(
  roomId: string,
  {
    onInvited,
    onError,
  }: { onInvited: (username: string) => void; onError: (error: unknown) => void },
) {
  const trpc = useTRPC();
  const refreshMembers = useRefreshMembers(roomId);
  const refreshRooms = useRefreshRoomList();
  return useMutation(
    trpc.rooms.invite.mutationOptions({
      onSuccess: async (_d, { username }) => {
        onInvited(username);
        await refreshMembers();
        await refreshRooms();
      },
      onError,
    }),
  );
}

/** Leaves the room and goes back to the list. */
export function useLeaveRoom(roomId: string, onError: (error: unknown) => void) {
  const trpc = useTRPC();
  const refreshRooms = useRefreshRoomList();
  const leave = useMutation(
    trpc.rooms.leave.mutationOptions({
      onSuccess: async () => {
        openRoom(null);
        await refreshRooms();
      },
      onError,
    }),
  );
  return { leave: () => leave.mutate({ roomId }), leaving: leave.isPending };
}

/** Makes a member an admin or a plain member (room admins); the list follows. */
export function useSetRole(roomId: string, onError: (error: unknown) => void) {
  const trpc = useTRPC();
  const refreshMembers = useRefreshMembers(roomId);
  const refreshRooms = useRefreshRoomList();
  return useMutation(
    trpc.rooms.setRole.mutationOptions({
      onSuccess: async () => {
        await refreshMembers();
        await refreshRooms();
      },
      onError,
    }),
  );
}

/** Removes someone from the room (room admins); they are told who removed them. */
export function useRemoveMember(
  roomId: string,
  { onRemoved, onError }: { onRemoved: () => void; onError: (error: unknown) => void },
) {
  const trpc = useTRPC();
  const refreshMembers = useRefreshMembers(roomId);
  const refreshRooms = useRefreshRoomList();
  return useMutation(
    trpc.rooms.kick.mutationOptions({
      onSuccess: async () => {
        onRemoved();
        await refreshMembers();
        await refreshRooms();
      },
      onError,
    }),
  );
}
