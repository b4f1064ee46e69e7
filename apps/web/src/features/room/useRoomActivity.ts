import type { UserRef } from '@parley/api-contract';
import { useMutation } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '../../lib/trpc';
import {
  type Activity,
  applyActivityEvent,
  changesMembers,
  expireTyping,
  NO_ACTIVITY,
} from './activity';

/** How often my own typing is announced while I keep typing. */
const TYPING_EVERY_MS = 2_000;

/**
 * Who is online and who is typing in a room, live. `onMembersChanged` runs when someone joins,
 * leaves or is removed, for the owners of the member list and count to fetch them again;
 * `onUserUpdated` when someone changes display name, for the owners of what shows it.
 */
export function useRoomActivity(
  roomId: string,
  meId: string,
  onMembersChanged: () => void,
  onUserUpdated?: (user: UserRef) => void,
): Activity {
  const trpc = useTRPC();
  const [activity, setActivity] = useState(NO_ACTIVITY);
  const membersChanged = useRef(onMembersChanged);
  membersChanged.current = onMembersChanged;
  const userUpdated = useRef(onUserUpdated);
  userUpdated.current = onUserUpdated;
  useSubscription(
    trpc.live.roomActivity.subscriptionOptions(
      { roomId },
      {
        onData: (event) => {
          const now = Date.now();
          setActivity((state) => applyActivityEvent(state, event, meId, now));
          if (changesMembers(event)) membersChanged.current();
          if (event.type === 'user.updated') userUpdated.current?.(event.user);
        },
      },
    ),
  );
  // Typing expires on its own if the "stopped" event never comes.
  const typingCount = activity.typing.size;
  useEffect(() => {
    if (typingCount === 0) return;
    const timer = setInterval(() => setActivity((s) => expireTyping(s, Date.now())), 1_000);
    return () => clearInterval(timer);
  }, [typingCount]);
  return activity;
}

/** Tells the room I am typing: call it on every keystroke, it speaks at most every 2 s. */
export function useTypingSignal(roomId: string): () => void {
  const trpc = useTRPC();
  const { mutate } = useMutation(trpc.live.typing.mutationOptions());
  const last = useRef(0);
  return () => {
    const now = Date.now();
    if (now - last.current < TYPING_EVERY_MS) return;
    last.current = now;
    mutate({ roomId });
  };
}
