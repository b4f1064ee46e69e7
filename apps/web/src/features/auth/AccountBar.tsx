import type { UserRef } from '@parley/api-contract';
import { Avatar } from '../../ui/Avatar';
import { useSignOut } from './session';

/** Who I am, and the way out (the sidebar's foot). */
export function AccountBar({ me }: { me: UserRef }) {
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
        onClick={() => signOut.mutate()}
        disabled={signOut.isPending}
      >
        Sign out
      </button>
    </div>
  );
}
