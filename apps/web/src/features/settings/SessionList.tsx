import { useState } from 'react';
import { friendlyError } from '../../lib/errors';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { FormError } from '../../ui/form';
import { When } from '../../ui/Page';
import { useRevokeSession, useSessions } from './account';
import { describeDevice } from './devices';

type Session = NonNullable<ReturnType<typeof useSessions>['data']>[number];

/** My signed-in devices; any but this one can be signed out. */
export function SessionList() {
  const sessions = useSessions();
  const [revoking, setRevoking] = useState<Session | 'others' | null>(null);
  const revoke = useRevokeSession();
  const [error, setError] = useState<string>();
  if (sessions.isPending) return <p className="muted">Loading sessions…</p>;
  if (sessions.isError) return <FormError message={friendlyError(sessions.error, '')} />;
  const others = sessions.data.filter((s) => !s.current);

  const confirm = async () => {
    if (!revoking) return;
    setError(undefined);
    try {
      for (const s of revoking === 'others' ? others : [revoking]) {
        await revoke.mutateAsync({ sessionId: s.id });
      }
      setRevoking(null);
    } catch (e) {
      setError(friendlyError(e, 'That session had already ended.'));
    }
  };

  return (
    <>
      <ul className="item-list" aria-label="Sessions">
        {sessions.data.map((s) => (
          <li key={s.id}>
            <div className="item-main">
              <div className="item-name">
                {describeDevice(s.userAgent)}
                {s.current && <span className="tag">This device</span>}
              </div>
              <div className="muted small" title={s.userAgent ?? undefined}>
                {s.address ?? 'Unknown address'} · signed in <When iso={s.createdAt} /> · last used{' '}
                <When iso={s.lastUsedAt} empty="not yet" />
              </div>
            </div>
            {!s.current && (
              <button
                type="button"
                className="btn small"
                aria-label={`Sign out ${describeDevice(s.userAgent)} (${s.address ?? 'unknown address'})`}
                onClick={() => setRevoking(s)}
              >
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
      {others.length > 1 && (
        <button type="button" className="btn" onClick={() => setRevoking('others')}>
          Sign out all other sessions
        </button>
      )}
      {revoking && (
        <ConfirmDialog
          title={revoking === 'others' ? 'Sign out all other sessions?' : 'Sign out this session?'}
          confirmLabel="Sign out"
          busy={revoke.isPending}
          error={error}
          onConfirm={confirm}
          onClose={() => {
            setRevoking(null);
            setError(undefined);
          }}
        >
          {revoking === 'others'
            ? `${others.length} other devices will need to sign in again.`
            : `${describeDevice(revoking.userAgent)} (${revoking.address ?? 'unknown address'}) will need to sign in again.`}
        </ConfirmDialog>
      )}
    </>
  );
}
