import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '../../lib/trpc';

/** A text that settles: the search runs when typing pauses, not on every key. */
export function useDebounced(value: string, ms = 250): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** Matches for `query` (newest first, paged), in one room or all of mine. The only writer of `messages.search`. */
export function useMessageSearch(query: string, roomId: string | null) {
  const trpc = useTRPC();
  const q = query.trim();
  return useInfiniteQuery(
    trpc.messages.search.infiniteQueryOptions(
      { query: q || ' ', limit: 20, ...(roomId ? { roomId } : {}) },
      {
        enabled: q.length > 0,
        initialCursor: null,
        getNextPageParam: (last) => last.nextCursor,
        staleTime: 30_000,
      },
    ),
  );
}
