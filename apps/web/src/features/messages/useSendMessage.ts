import { useMutation } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { errorCode, errorMessage } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';
import { newClientId, type PendingMessage, pendingStore } from './pending';
import type { DisplayMessage } from './rows';
import type { ApplyMessage } from './useRoomMessages';

/** Why a send failed, said so the person knows what to do. */
function sendFailure(error: unknown): string {
  const code = errorCode(error);
  if (code === 'TOO_MANY_REQUESTS')
    return 'Whoa, that was quick! Give it a few seconds, then retry.';
  if (code === 'FORBIDDEN' || code === 'NOT_FOUND') return 'You can no longer post in this room.';
  if (!code) return 'Not sent: no connection.';
  return `Not sent: ${errorMessage(error)}`;
}

/**
 * Sending: a message shows at once as pending, becomes the server's copy when it is confirmed
 * (by the reply or by the live event, whichever comes first) and offers Retry when it fails.
 */
export function useSendMessage(roomId: string, apply: ApplyMessage) {
  const trpc = useTRPC();
  const { mutate } = useMutation(
    trpc.messages.send.mutationOptions({
      onSuccess: (message) => {
        apply(message, message.position);
        pendingStore.remove(roomId, message.clientId);
      },
      onError: (error, vars) => {
        pendingStore.update(vars.roomId, vars.clientId, {
          status: 'failed',
          error: sendFailure(error),
        });
      },
    }),
  );
  const dispatch = useCallback(
    (p: PendingMessage) => {
      pendingStore.upsert({ ...p, status: 'sending', error: undefined });
      mutate({
        roomId: p.roomId,
        body: p.body,
        clientId: p.clientId,
        ...(p.replyToId ? { replyToId: p.replyToId } : {}),
      });
    },
    [mutate],
  );
  return useMemo(
    () => ({
      send: (body: string, replyTo: DisplayMessage | null) =>
        dispatch({
          clientId: newClientId(),
          roomId,
          body,
          replyToId: replyTo?.id ?? undefined,
          replyTo:
            replyTo?.id != null
              ? { id: replyTo.id, author: replyTo.author, body: replyTo.body, deleted: false }
              : null,
          createdAt: new Date().toISOString(),
          status: 'sending',
        }),
      retry: (clientId: string) => {
        const p = pendingStore.get(roomId).find((x) => x.clientId === clientId);
        if (p) dispatch(p);
      },
      discard: (clientId: string) => pendingStore.remove(roomId, clientId),
    }),
    [dispatch, roomId],
  );
}
