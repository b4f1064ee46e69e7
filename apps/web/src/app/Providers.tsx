import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { isTransient } from '../lib/errors';
import { TRPCProvider, trpcClient } from '../lib/trpc';

/** How often a query shown as failed for want of a server asks again by itself. */
const RECOVER_EVERY_MS = 4_000;

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      retry: 1,
      refetchOnWindowFocus: false,
      // A failure that may pass (server down or restarting) heals itself, without a click;
      // useRecoverFailedQueries also asks again the moment the socket is back.
      refetchInterval: (query) =>
        query.state.status === 'error' && isTransient(query.state.error) ? RECOVER_EVERY_MS : false,
    },
    // An edit or delete that cannot reach the server says so at once instead of waiting.
    // (Sends do not use mutations: they go through the outbox, which waits and retries.)
    mutations: { retry: false, networkMode: 'always' },
  },
});

export function Providers({ children }: { children: ReactNode }) {
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
