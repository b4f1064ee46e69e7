import { createContext, useCallback, useContext, useState } from 'react';

/**
 * Which message's emoji picker is open in a list (one at a time), so the keyboard's `:`
 * command opens it as the row's "Add reaction" button does. Conversation provides it.
 */
export interface PickerState {
  openFor: string | null;
  setOpenFor: (messageId: string | null) => void;
}

export const ReactionPickerContext = createContext<PickerState | null>(null);

/** One message's picker: open or not, and a way to open or close it. */
export function useReactionPicker(messageId: string | null): {
  open: boolean;
  setOpen: (open: boolean) => void;
} {
  const shared = useContext(ReactionPickerContext);
  // A row outside any list that provides the state keeps its own.
  const [own, setOwn] = useState(false);
  const { setOpenFor } = shared ?? {};
  const setOpen = useCallback(
    (open: boolean) => {
      if (setOpenFor) setOpenFor(open ? messageId : null);
      else setOwn(open);
    },
    [setOpenFor, messageId],
  );
  if (!shared) return { open: own, setOpen };
  return { open: messageId !== null && shared.openFor === messageId, setOpen };
}
