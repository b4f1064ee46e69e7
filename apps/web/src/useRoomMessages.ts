import {
  type InfiniteData,
  skipToken,
  useInfiniteQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { pendingStore, usePending } from './pending';
import { useTRPC } from './trpc';
import type { HistoryPage, MessageView } from './types';

export const PAGE_SIZE = 50;

type History = InfiniteData<HistoryPage, number | null | undefined>;

function upsert(data: History | undefined, message: MessageView): History | undefined {
  if (!data) return data;
  let found = false;
  const pages = data.pages.map((page) => {
    if (!page.items.some((m) => m.id === message.id)) return page;
    found = true;
    return {
      ...page,
      items: page.items.map((m) => (m.id === message.id ? keepNewest(m, message) : m)),
    };
  });
  if (found) return { ...data, pages };
  const [first, ...rest] = data.pages;
  if (!first) return data;
  return { ...data, pages: [{ ...first, items: [message, ...first.items] }, ...rest] };
}

/** A deleted message stays deleted, and an older edit never replaces a newer one. */
function keepNewest(current: MessageView, incoming: MessageView): MessageView {
  if (current.deletedAt && !incoming.deletedAt) return current;
  if (current.editedAt && incoming.editedAt && incoming.editedAt < current.editedAt) return current;
  if (current.editedAt && !incoming.editedAt && !incoming.deletedAt) return current;
  return incoming;
}

/**
 * A room's messages: the newest page first, older pages on demand, live events applied to the
 * same cache, and my unconfirmed sends appended (reconciled by clientId).
 */
export function useRoomMessages(roomId: string, meId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const historyOptions = trpc.messages.history.infiniteQueryOptions(
    { roomId, limit: PAGE_SIZE },
    {
      initialCursor: null,
      getNextPageParam: (last) => last.nextCursor,
      staleTime: Number.POSITIVE_INFINITY,
      // Each visit starts from a fresh newest page and subscribes from there.
      gcTime: 0,
    },
  );
  const key = historyOptions.queryKey;
  const history = useInfiniteQuery(historyOptions);

  // Subscribe from the newest position the first page knows; events after it are replayed.
  const [since, setSince] = useState<string | null>(null);
  const firstPage = history.data?.pages[0];
  useEffect(() => {
    if (firstPage && since === null) {
      setSince(String(firstPage.items.reduce((max, m) => Math.max(max, m.position), 0)));
    }
  }, [firstPage, since]);

  const [lastEvent, setLastEvent] = useState(0);
  const apply = useCallback(
    (message: MessageView, position: number) => {
      queryClient.setQueryData<History>(key, (data) => upsert(data, message));
      if (message.author.id === meId) pendingStore.reconcile(roomId, [message.clientId]);
      setLastEvent((p) => Math.max(p, position));
    },
    [queryClient, roomId, meId],
  );

  useSubscription(
    trpc.live.roomEvents.subscriptionOptions(
      since === null ? skipToken : { roomId, lastEventId: since },
      {
        onData: (envelope) => {
          apply(envelope.data.message, envelope.data.position);
        },
      },
    ),
  );

  const pending = usePending(roomId);
  const messages = useMemo(() => {
    const byId = new Map<string, MessageView>();
    for (const page of history.data?.pages ?? []) for (const m of page.items) byId.set(m.id, m);
    return [...byId.values()].sort((a, b) => a.position - b.position);
  }, [history.data]);

  // Confirmed messages whose pending copy is still around (confirmation raced the send reply).
  useEffect(() => {
    if (pending.length === 0) return;
    const confirmed = messages.filter((m) => m.author.id === meId).map((m) => m.clientId);
    pendingStore.reconcile(roomId, confirmed);
  }, [messages, pending, meId, roomId]);

  const newestPosition = Math.max(lastEvent, messages.at(-1)?.position ?? 0);

  return {
    history,
    messages,
    pending,
    newestPosition,
    /** Puts a message the server returned (send/edit/delete reply) into the cache. */
    apply,
  };
}
