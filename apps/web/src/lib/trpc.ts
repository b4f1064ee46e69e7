import type { AppRouter } from '@parley/api-contract';
import { LIMITS } from '@parley/api-contract/limits';
import { createTRPCClient, httpBatchLink, splitLink, wsLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { socket } from './connection';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** Queries and mutations over HTTP (batched), subscriptions over the one WebSocket. */
export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
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
