import { useInfiniteQuery } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc';

/**
 * My mentions, newest first, a page at a time (`messages.mentions`). The only writer of that
 * query: it is read when the Mentions screen opens (fresh each time, so no live patching).
 */
export function useMyMentions() {
  const trpc = useTRPC();
  return useInfiniteQuery(
    trpc.messages.mentions.infiniteQueryOptions(
      { limit: 20 },
      {
        getNextPageParam: (page) => page.nextCursor,
        staleTime: 0,
        refetchOnMount: 'always',
      },
    ),
  );
}
