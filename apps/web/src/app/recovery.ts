import { useQueryClient } from '@tanstack/react-query';
import { useReconnected } from '../lib/connection';

/**
 * The socket is back after a drop: every query on screen that failed meanwhile asks again now
 * (the QueryClient's refetchInterval would, a few seconds later). Only failed ones: live
 * subscriptions resume by themselves, and their owners refresh what they own.
 */
export function useRecoverFailedQueries(): void {
  const queryClient = useQueryClient();
  useReconnected(() => {
    void queryClient.refetchQueries({
      type: 'active',
      predicate: (query) => query.state.status === 'error',
    });
  });
}
