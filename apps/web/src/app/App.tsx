import { AuthScreen } from '../features/auth/AuthScreen';
import { useMe } from '../features/auth/session';
import { ChatShell } from './ChatShell';

/** Signed in: the chat. Signed out: the sign-in screen. */
export function App() {
  const me = useMe();

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
        <p>Parley cannot be reached right now. Trying again…</p>
        <button type="button" className="btn primary" onClick={() => me.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  if (!me.data) return <AuthScreen />;
  return <ChatShell key={me.data.id} me={me.data} />;
}
