import type { UserRef } from '@parley/api-contract';
import { Avatar } from '../../ui/Avatar';
import { useSignOut } from './session';

/**
 * Who I am, and the way out (the sidebar's foot). `onSignOut` runs first: what this browser
 * keeps for me (unsent messages) goes before the next person sits down.
 */
export function AccountBar({ me, onSignOut }: { me: UserRef; onSignOut: () => void }) {
  const signOut = useSignOut();
  return (
    <div className="sidebar-foot">
      <Avatar user={me} size={32} />
      <div className="me">
        <div className="me-name">{me.displayName}</div>
        <div className="muted small">@{me.username}</div>
      </div>
      <button
        type="button"
        className="btn small"
        onClick={() => {
          onSignOut();
          signOut.mutate();
        }}
        disabled={signOut.isPending}
      >
        Sign out
      </button>
    </div>
  );
}
