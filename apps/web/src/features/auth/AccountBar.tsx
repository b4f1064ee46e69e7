import { openScreen, useScreenRoute } from '../../lib/route';
import { Avatar } from '../../ui/Avatar';
import { GearIcon } from '../../ui/icons';
import { type Me, useSignOut } from './session';

/**
 * Who I am, my settings (and from there the workspace's, for its owner), and the way out (the
 * sidebar's foot). `onSignOut` runs first: what this browser keeps for me (unsent messages) goes before
 * the next person sits down.
 */
export function AccountBar({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const signOut = useSignOut();
  const screen = useScreenRoute();
  return (
    <div className="sidebar-foot">
      <Avatar user={me} size={32} />
      <div className="me">
        <div className="me-name">{me.displayName}</div>
        <div className="muted small">@{me.username}</div>
      </div>
      <button
        type="button"
        className="icon-btn"
        aria-label="Settings"
        title="Settings"
        aria-current={screen === 'settings' ? 'page' : undefined}
        onClick={() => openScreen('settings')}
      >
        <GearIcon />
      </button>
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
