import type { UserRef } from '@parley/api-contract';
import { LIMITS } from '@parley/api-contract/limits';
import { type FormEvent, type ReactNode, useState } from 'react';
import { errorCode, fieldIssues, friendlyError } from '../../lib/errors';
import { check } from '../../lib/validate';
import { FormError, FormStatus, focusFirstError, TextField, useForm } from '../../ui/form';
import { Page, PageSection } from '../../ui/Page';
import { NotificationsPermission } from '../notifications/NotificationsPermission';
import { useChangePassword, useUpdateProfile } from './account';
import { BotTokens } from './BotTokens';
import { SessionList } from './SessionList';

/** My account: profile, password, desktop notifications, signed-in devices, bot tokens. */
export function SettingsScreen({ me, tabs }: { me: UserRef; tabs?: ReactNode }) {
  return (
    <Page title="Settings" tabs={tabs}>
      <PageSection title="Profile" description={`You are @${me.username}.`}>
        <ProfileForm me={me} />
      </PageSection>
      <PageSection
        title="Password"
        description="Changing it signs you out everywhere else; this device stays signed in."
      >
        <PasswordForm username={me.username} />
      </PageSection>
      <PageSection
        title="Desktop notifications"
        description="Direct messages and mentions of you, while Parley's tab is hidden or another room is open. Each room's menu sets what it notifies."
      >
        <NotificationsPermission />
      </PageSection>
      <PageSection title="Sessions" description="The devices signed in to your account.">
        <SessionList />
      </PageSection>
      <PageSection
        title="Bot tokens"
        description="A bot token lets a program (a bot, a script) act as your account through the API. Give a bot an account of its own, and keep its token secret."
      >
        <BotTokens />
      </PageSection>
    </Page>
  );
}

function ProfileForm({ me }: { me: UserRef }) {
  const { values, errors, setErrors, field } = useForm({ displayName: me.displayName });
  const [done, setDone] = useState<string>();
  const update = useUpdateProfile();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(undefined);
    const checked = await check(
      (s) => s.authInputs.updateProfile,
      { displayName: values.displayName },
      { displayName: 'Enter a display name.' },
    );
    if (!checked.ok) return setErrors(checked.errors);
    update.mutate(checked.data, {
      onSuccess: (user) => setDone(`Saved: people now see you as ${user.displayName}.`),
      onError: (error) =>
        setErrors({
          displayName: fieldIssues(error).displayName ?? friendlyError(error, 'Not saved.'),
        }),
    });
  };
  return (
    <form onSubmit={submit} noValidate className="settings-form">
      <TextField
        label="Display name"
        {...field('displayName')}
        autoComplete="nickname"
        maxLength={LIMITS.displayNameMax}
      />
      <FormStatus message={done} />
      <FormError message={errors.form} />
      <button type="submit" className="btn primary" disabled={update.isPending}>
        Save name
      </button>
    </form>
  );
}

const PASSWORD_FIELDS = ['currentPassword', 'newPassword'] as const;

function PasswordForm({ username }: { username: string }) {
  const { values, setValues, errors, setErrors, field } = useForm({
    currentPassword: '',
    newPassword: '',
  });
  const [done, setDone] = useState<string>();
  const change = useChangePassword();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    setDone(undefined);
    const checked = await check((s) => s.authInputs.changePassword, values, {
      currentPassword: 'Enter your current password.',
      newPassword: 'Enter a new password.',
    });
    if (!checked.ok) {
      setErrors(checked.errors);
      return focusFirstError(form, checked.errors, PASSWORD_FIELDS);
    }
    change.mutate(checked.data, {
      onSuccess: ({ signedOutSessions: n }) => {
        setValues({ currentPassword: '', newPassword: '' });
        setDone(
          n === 0
            ? 'Password changed.'
            : `Password changed. ${n} other session${n === 1 ? ' was' : 's were'} signed out.`,
        );
      },
      onError: (error) => {
        const issues = fieldIssues(error);
        if (issues.newPassword) setErrors({ newPassword: issues.newPassword });
        else if (errorCode(error) === 'BAD_REQUEST') {
          setErrors({ currentPassword: friendlyError(error, '') });
        } else setErrors({ form: friendlyError(error, 'Not changed.') });
      },
    });
  };
  return (
    <form onSubmit={submit} noValidate className="settings-form">
      {/* For password managers: whose password this is. */}
      <input type="text" name="username" value={username} autoComplete="username" hidden readOnly />
      <TextField
        label="Current password"
        type="password"
        {...field('currentPassword')}
        autoComplete="current-password"
      />
      <TextField
        label="New password"
        type="password"
        {...field('newPassword')}
        autoComplete="new-password"
      />
      <FormStatus message={done} />
      <FormError message={errors.form} />
      <button type="submit" className="btn primary" disabled={change.isPending}>
        Change password
      </button>
    </form>
  );
}
