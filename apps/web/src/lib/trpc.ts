import type { AppRouter } from '@parley/api-contract';
import { createTRPCClient, httpBatchLink, splitLink, wsLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { socket } from './connection';

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

/** Queries and mutations over HTTP (batched), subscriptions over the one WebSocket. */
export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: wsLink({ client: socket.ws }),
      false: httpBatchLink({ url: '/trpc' }),
    }),
  ],
});
