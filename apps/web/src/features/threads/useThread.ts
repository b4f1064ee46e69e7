import type { RoomEvent } from '@parley/api-contract';
import { skipToken, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTRPC, useTRPCClient } from '../../lib/trpc';
import type { ReactionChange } from '../messages/messagePages';
import { outbox, usePending } from '../messages/outbox';
import type { RoomMessages } from '../messages/useRoomMessages';
import {
  applyToThread,
  setRootSummary,
  type ThreadPage,
  type ThreadPages,
  threadOf,
} from './threadPages';

const PAGE_SIZE = 50;

/**
 * One thread: its root and replies (`messages.thread`, oldest first, newer pages on demand),
 * live from the room's own subscription (`room.onEvent`: replies are room events, so resuming
 * the room after a drop covers them), and my unconfirmed replies. This hook is the only writer
 * of the thread's cache; mutations hand their replies to `apply`.
 */
export function useThread(
  roomId: string,
  rootId: string,
  meId: string,
  room: Pick<RoomMessages, 'onEvent' | 'atTail'>,
) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const key = useMemo(
    () => [...trpc.messages.thread.pathKey(), { rootId }] as const,
    [trpc, rootId],
  );
  const thread = useInfiniteQuery<ThreadPage, Error, ThreadPages, typeof key, number | null>({
    queryKey: key,
    queryFn: ({ pageParam, signal }) =>
      client.messages.thread.query(
        { messageId: rootId, cursor: pageParam, limit: PAGE_SIZE },
        { signal },
      ),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
  });
  const { root, replies } = useMemo(() => threadOf(thread.data), [thread.data]);

  const apply = useCallback(
    (message: RoomEvent['message'], _position: number, change?: ReactionChange) => {
      queryClient.setQueryData<ThreadPages>(key, (data) =>
        applyToThread(data, rootId, message, meId, change),
      );
      if (message.author.id === meId) outbox.confirm(roomId, [message.clientId]);
    },
    [queryClient, key, rootId, meId, roomId],
  );

  const onRoomEvent = useCallback(
    (event: RoomEvent) => {
      const m = event.message;
      if (m.id !== rootId && m.threadId !== rootId) return;
      if (!queryClient.getQueryData(key)) {
        // Still loading: ask again, so that the answer has this one.
        void queryClient.invalidateQueries({ queryKey: key });
        return;
      }
      if (event.type === 'message.created' && event.rootThread) {
        const summary = event.rootThread;
        queryClient.setQueryData<ThreadPages>(key, (data) => setRootSummary(data, summary));
      }
      apply(
        m,
        event.position,
        event.type === 'reaction.added' || event.type === 'reaction.removed'
          ? { ...event.reaction, added: event.type === 'reaction.added' }
          : undefined,
      );
    },
    [queryClient, key, rootId, apply],
  );
  useEffect(() => room.onEvent(onRoomEvent), [room.onEvent, onRoomEvent]);

  // The room's list is a window in the past (opened at a message): it subscribes only once it
  // reaches the latest, so until then the thread follows the room's events itself, from its
  // newest message on.
  const [ownSince, setOwnSince] = useState<string | null>(null);
  const newest = useMemo(
    () => Math.max(root?.position ?? 0, ...replies.map((m) => m.position)),
    [root, replies],
  );
  const loaded = thread.data !== undefined;
  useEffect(() => {
    if (loaded && ownSince === null) setOwnSince(String(newest));
  }, [loaded, ownSince, newest]);
  const handler = useRef(onRoomEvent);
  handler.current = onRoomEvent;
  useSubscription(
    trpc.live.roomEvents.subscriptionOptions(
      room.atTail || ownSince === null ? skipToken : { roomId, lastEventId: ownSince },
      { onData: ({ data: event }) => handler.current(event) },
    ),
  );

  // The server's reply to a reply of mine sent from the outbox.
  useEffect(
    () =>
      outbox.onSent(roomId, (message) => {
        if (message.threadId === rootId) apply(message, message.position);
      }),
    [roomId, rootId, apply],
  );

  const pending = usePending(roomId, rootId);
  // Confirmed replies whose pending copy is still around (confirmation raced the send reply).
  useEffect(() => {
    if (pending.length === 0) return;
    outbox.confirm(
      roomId,
      replies.filter((m) => m.author.id === meId).map((m) => m.clientId),
    );
  }, [replies, pending, meId, roomId]);

  return { thread, root, replies, pending, apply };
}
