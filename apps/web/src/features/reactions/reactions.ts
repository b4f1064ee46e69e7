import type { MessageView } from '@parley/api-contract';
import { useMutation } from '@tanstack/react-query';
import { useCallback } from 'react';
import { errorMessage } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';

/**
 * Hands a reply to the owner of the room's message cache (useRoomMessages' `apply`); typed
 * here rather than imported, so this feature does not depend on the messages feature.
 */
export type ApplyReaction = (
  message: MessageView,
  position: number,
  change: { emoji: string; userId: string; added: boolean },
) => void;

/**
 * Adding or removing my reaction. The reply (the message with its reactions, `me` for me)
 * goes to the cache's one writer through `apply`; other people see it from the room event.
 */
export function useToggleReaction(
  apply: ApplyReaction,
  meId: string,
  onNotice: (text: string) => void,
) {
  const trpc = useTRPC();
  const onError = (error: unknown) => onNotice(`Could not react: ${errorMessage(error)}`);
  const { mutate: react } = useMutation(
    trpc.messages.react.mutationOptions({
      onSuccess: (message, { emoji }) =>
        apply(message, message.position, { emoji, userId: meId, added: true }),
      onError,
    }),
  );
  const { mutate: unreact } = useMutation(
    trpc.messages.unreact.mutationOptions({
      onSuccess: (message, { emoji }) =>
        apply(message, message.position, { emoji, userId: meId, added: false }),
      onError,
    }),
  );
  return useCallback(
    (messageId: string, emoji: string, add: boolean) =>
      add ? react({ messageId, emoji }) : unreact({ messageId, emoji }),
    [react, unreact],
  );
}
