import { useDeferredValue, useState } from 'react';
import { friendlyError } from '../../lib/errors';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { FormError, TextField } from '../../ui/form';
import { When } from '../../ui/Page';
import { useDeactivateUser, useReactivateUser, useWorkspaceUsers } from './workspace';

type Person = NonNullable<
  ReturnType<typeof useWorkspaceUsers>['data']
>['pages'][number]['users'][number];

/** The workspace's people, searchable; deactivate or reactivate anyone but me. */
export function People({ meId }: { meId: string }) {
  const [search, setSearch] = useState('');
  const users = useWorkspaceUsers(useDeferredValue(search.trim()));
  const [acting, setActing] = useState<Person | null>(null);
  const people = users.data?.pages.flatMap((p) => p.users) ?? [];
  return (
    <>
      <TextField
        label="Search people"
        type="search"
        value={search}
        onChange={setSearch}
        placeholder="Name or username"
        autoComplete="off"
        spellCheck={false}
      />
      {users.isPending && <p className="muted">Loading people…</p>}
      {users.isError && <FormError message={friendlyError(users.error, '')} />}
      {users.data && people.length === 0 && <p className="muted">Nobody matches.</p>}
      {people.length > 0 && (
        <ul className="item-list" aria-label="People">
          {people.map((p) => (
            <li key={p.id} className={p.deactivated ? 'revoked' : undefined}>
              <div className="item-main">
                <div className="item-name">
                  {p.displayName} <span className="muted">@{p.username}</span>
                  {p.role === 'owner' && <span className="tag ok">Owner</span>}
                  {p.deactivated && <span className="tag">Deactivated</span>}
                </div>
                <div className="muted small">
                  joined <When iso={p.createdAt} />
                  {p.deactivatedAt && (
                    <>
                      {' '}
                      · deactivated <When iso={p.deactivatedAt} />
                    </>
                  )}
                </div>
              </div>
              {p.id !== meId && (
                <button
                  type="button"
                  className="btn small"
                  aria-label={`${p.deactivated ? 'Reactivate' : 'Deactivate'} @${p.username}`}
                  onClick={() => setActing(p)}
                >
                  {p.deactivated ? 'Reactivate' : 'Deactivate'}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {users.hasNextPage && (
        <button
          type="button"
          className="btn"
          onClick={() => users.fetchNextPage()}
          disabled={users.isFetchingNextPage}
        >
          Show more people
        </button>
      )}
      {acting && <PersonDialog person={acting} onClose={() => setActing(null)} />}
    </>
  );
}

function PersonDialog({ person, onClose }: { person: Person; onClose: () => void }) {
  const deactivate = useDeactivateUser();
  const reactivate = useReactivateUser();
  const action = person.deactivated ? reactivate : deactivate;
  const name = `${person.displayName} (@${person.username})`;
  return (
    <ConfirmDialog
      title={person.deactivated ? `Reactivate ${name}?` : `Deactivate ${name}?`}
      confirmLabel={person.deactivated ? 'Reactivate' : 'Deactivate'}
      busy={action.isPending}
      error={action.error ? friendlyError(action.error, 'Nobody has that account.') : undefined}
      onConfirm={() => action.mutate({ userId: person.id }, { onSuccess: onClose })}
      onClose={onClose}
    >
      {person.deactivated
        ? 'They can sign in again. Their old sessions and bot tokens stay revoked.'
        : 'They are signed out everywhere at once, their bot tokens stop working, and they cannot sign in until reactivated. Their messages stay.'}
    </ConfirmDialog>
  );
}
