import { type FormEvent, useId, useState } from 'react';
import { friendlyError } from '../../lib/errors';
import { check } from '../../lib/validate';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { CopyField } from '../../ui/CopyField';
import { FormError, TextField, useForm } from '../../ui/form';
import { When } from '../../ui/Page';
import { useCreateInvite, useInvites, useRevokeInvite } from './workspace';

type Invite = NonNullable<ReturnType<typeof useInvites>['data']>[number];

const EXPIRY: { hours: number | null; label: string }[] = [
  { hours: 24, label: '1 day' },
  { hours: 24 * 7, label: '7 days' },
  { hours: 24 * 30, label: '30 days' },
  { hours: null, label: 'Never' },
];

/** Create an invite link (shown once), list invites with their status, revoke one. */
export function Invites() {
  const invites = useInvites();
  const [link, setLink] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Invite | null>(null);
  return (
    <>
      <CreateInviteForm onCreated={setLink} />
      {link && (
        <section className="secret-box" aria-label="New invite link">
          <p className="warning">
            <strong>Copy the link now: it will not be shown again.</strong> Anyone with it can sign
            up while it is valid.
          </p>
          <CopyField label="Invite link" value={link} />
          <button type="button" className="btn" onClick={() => setLink(null)}>
            Done
          </button>
        </section>
      )}
      {invites.isPending && <p className="muted">Loading invites…</p>}
      {invites.isError && <FormError message={friendlyError(invites.error, '')} />}
      {invites.data && invites.data.length === 0 && <p className="muted">No invites yet.</p>}
      {invites.data && invites.data.length > 0 && (
        <ul className="item-list" aria-label="Invites">
          {invites.data.map((invite) => (
            <li key={invite.id} className={invite.status === 'active' ? undefined : 'revoked'}>
              <div className="item-main">
                <div className="item-name">
                  Invite of <When iso={invite.createdAt} />
                  <span className={`tag ${invite.status === 'active' ? 'ok' : ''}`}>
                    {invite.status}
                  </span>
                </div>
                <div className="muted small">
                  used {invite.uses}
                  {invite.maxUses === null ? ' times (no limit)' : ` of ${invite.maxUses}`} ·
                  expires <When iso={invite.expiresAt} empty="never" />
                </div>
              </div>
              {invite.status === 'active' && (
                <button
                  type="button"
                  className="btn small"
                  aria-label={`Revoke the invite of ${new Date(invite.createdAt).toLocaleString()}`}
                  onClick={() => setRevoking(invite)}
                >
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {revoking && <RevokeInviteDialog invite={revoking} onClose={() => setRevoking(null)} />}
    </>
  );
}

function CreateInviteForm({ onCreated }: { onCreated: (link: string) => void }) {
  const expiryId = useId();
  const [expiry, setExpiry] = useState(String(EXPIRY[1]?.hours));
  const { values, errors, setErrors, field } = useForm({ maxUses: '' });
  const create = useCreateInvite();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const maxUses = values.maxUses.trim() === '' ? undefined : Number(values.maxUses);
    const expiresInHours = expiry === 'null' ? undefined : Number(expiry);
    const checked = await check((s) => s.adminInputs.createInvite, { expiresInHours, maxUses });
    if (!checked.ok) {
      return setErrors({
        maxUses:
          checked.errors.maxUses && 'Enter a whole number from 1 to 10,000, or leave it empty.',
        form: checked.errors.expiresInHours ?? checked.errors.form,
      });
    }
    create.mutate(checked.data, {
      onSuccess: ({ path }) => onCreated(new URL(path, location.origin).href),
      onError: (error) => setErrors({ form: friendlyError(error, 'Not created.') }),
    });
  };
  return (
    <form onSubmit={submit} noValidate className="inline-form">
      <div className="field">
        <label htmlFor={expiryId}>Expires after</label>
        <select id={expiryId} value={expiry} onChange={(e) => setExpiry(e.target.value)}>
          {EXPIRY.map(({ hours, label }) => (
            <option key={label} value={String(hours)}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <TextField
        label="Uses (empty: no limit)"
        {...field('maxUses')}
        inputMode="numeric"
        autoComplete="off"
      />
      <button type="submit" className="btn primary" disabled={create.isPending}>
        Create invite link
      </button>
      <FormError message={errors.form} />
    </form>
  );
}

function RevokeInviteDialog({ invite, onClose }: { invite: Invite; onClose: () => void }) {
  const revoke = useRevokeInvite();
  return (
    <ConfirmDialog
      title="Revoke this invite?"
      confirmLabel="Revoke invite"
      busy={revoke.isPending}
      error={revoke.error ? friendlyError(revoke.error, 'That invite is gone.') : undefined}
      onConfirm={() => revoke.mutate({ inviteId: invite.id }, { onSuccess: onClose })}
      onClose={onClose}
    >
      Its link stops working at once. People who already signed up with it keep their accounts.
    </ConfirmDialog>
  );
}
