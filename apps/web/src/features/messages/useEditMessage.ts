import { useMutation } from '@tanstack/react-query';
import { errorMessage } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';
import type { ApplyMessage } from './useRoomMessages';

/** Editing and deleting a message; a failure is reported through `onNotice`. */
export function useEditMessage(apply: ApplyMessage, onNotice: (text: string) => void) {
  const trpc = useTRPC();
  const { mutate: edit } = useMutation(
    trpc.messages.edit.mutationOptions({
      onSuccess: (message) => apply(message, message.position),
      onError: (error) => onNotice(`Could not save the edit: ${errorMessage(error)}`),
    }),
  );
  const { mutate: remove } = useMutation(
    trpc.messages.delete.mutationOptions({
      onSuccess: (message) => apply(message, message.position),
      onError: (error) => onNotice(`Could not delete: ${errorMessage(error)}`),
    }),
  );
  return { edit, remove };
}
