import { type FormEvent, useState } from 'react';
import { friendlyError } from '../../lib/errors';
import { check, typedUsername } from '../../lib/validate';
import { FormActions, FormError, FormStatus, TextField, useForm } from '../../ui/form';
import { Modal } from '../../ui/Modal';
import { useInvite } from './membership';

export function InviteDialog({
  roomId,
  roomName,
  onClose,
}: {
  roomId: string;
  /** As people see it ("#general", or a private room's bare name). */
  roomName: string;
  onClose: () => void;
}) {
  const { values, setValues, errors, setErrors, field } = useForm({ username: '' });
  const [done, setDone] = useState<string>();
  const invite = useInvite(roomId, {
    onInvited: (username) => {
      setDone(`@${username} can now see ${roomName}.`);
      setValues({ username: '' });
    },
    onError: (e) => setErrors({ username: friendlyError(e, 'Nobody has that username.') }),
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(undefined);
    const checked = await check(
      (s) => s.roomInputs.invite,
      { roomId, username: typedUsername(values.username) },
      { username: 'Enter a username.' },
    );
    if (checked.ok) invite.mutate(checked.data);
    else setErrors(checked.errors);
  };
  return (
    <Modal title={`Invite to ${roomName}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <TextField
          label="Username to invite"
          {...field('username')}
          autoFocus
          autoCapitalize="none"
          spellCheck={false}
        />
        <FormStatus message={done} />
        <FormError message={errors.form} />
        <FormActions>
          <button type="button" className="btn" onClick={onClose}>
            Done
          </button>
          <button type="submit" className="btn primary" disabled={invite.isPending}>
            Invite
          </button>
        </FormActions>
      </form>
    </Modal>
  );
}
