import { useQuery } from '@tanstack/react-query';
import { AuthScreen } from './AuthScreen';
import { ChatShell } from './ChatShell';
import { useTRPC } from './trpc';

export function App() {
  const trpc = useTRPC();
  const me = useQuery(
    trpc.auth.me.queryOptions(undefined, { staleTime: Number.POSITIVE_INFINITY }),
  );

  if (me.isPending) {
    return (
      <div className="splash" role="status">
        <span className="logo" aria-hidden="true" />
        Loading Parley…
      </div>
    );
  }
  if (me.isError) {
    return (
      <div className="splash" role="alert">
        <p>Parley cannot be reached right now.</p>
        <button type="button" className="btn primary" onClick={() => me.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  if (!me.data) return <AuthScreen />;
  return <ChatShell key={me.data.id} me={me.data} />;
}
