import type { AppRouter } from '@parley/api-contract';
import { LIMITS } from '@parley/api-contract/limits';
import { createTRPCClient, httpBatchLink, splitLink, wsLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { socket } from './connection';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * Queries and mutations over HTTP (batched), subscriptions over the one WebSocket. So are read
 * marks: one per viewer per message seen, and the socket was authenticated once when it
 * opened, where every HTTP request looks its session up again (a statement per viewer per
 * message; issue 9). The socket is open whenever a room is in view, which is when marks go.
 */
export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription' || op.path === 'rooms.markRead',
      true: wsLink({ client: socket.ws }),
      // The server refuses larger batches; the header marks the app's own requests (CSRF).
      false: httpBatchLink({
        url: '/trpc',
        maxItems: LIMITS.batchMax,
        headers: { 'X-Parley-Client': 'web' },
      }),
    }),
  ],
});
