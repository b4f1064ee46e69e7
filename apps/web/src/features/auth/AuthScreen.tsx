import { type FormEvent, useState } from 'react';
import { errorCode, errorMessage, fieldIssues } from '../../lib/errors';
import { check, type FieldErrors } from '../../lib/validate';
import { FormError, focusFirstError, TextField, useForm } from '../../ui/form';
import { Notice } from '../../ui/Notice';
import { useSignedOutNotice, useSignIn, useSignUp } from './session';

type Mode = 'signIn' | 'signUp';
type Field = 'username' | 'password' | 'displayName';
/** Where the focus goes when several fields are wrong. */
const FIELDS = ['username', 'password', 'displayName'] as const;

/** Server refusals, put next to the field they are about. */
function serverErrors(mode: Mode, error: unknown): FieldErrors<Field> {
  const code = errorCode(error);
  const message = errorMessage(error);
  if (code === 'CONFLICT') return { username: message || 'That username is taken.' };
  if (code === 'UNAUTHORIZED' && mode === 'signIn') {
    return { password: 'That username and password do not match.' };
  }
  if (code === 'TOO_MANY_REQUESTS') {
    return { form: 'Too many attempts. Wait a moment, then try again.' };
  }
  if (code === 'BAD_REQUEST') {
    const issues = fieldIssues(error);
    const out: FieldErrors<Field> = {};
    for (const field of FIELDS) {
      if (issues[field]) out[field] = issues[field];
    }
    if (Object.keys(out).length > 0) return out;
  }
  return { form: message };
}

/** The code of an invite link (`/?invite=CODE`), if the page was opened with one. */
function inviteInUrl(): string | undefined {
  return new URLSearchParams(location.search).get('invite')?.trim() || undefined;
}

const REQUIRED = { username: 'Enter your username.', password: 'Enter your password.' };

export function AuthScreen() {
  const [invite] = useState(inviteInUrl);
  const [mode, setMode] = useState<Mode>(invite ? 'signUp' : 'signIn');
  const signedOut = useSignedOutNotice();
  const { values, errors, setErrors, field } = useForm<Field>({
    username: '',
    password: '',
    displayName: '',
  });
  const signIn = useSignIn();
  const signUp = useSignUp();
  const busy = signIn.isPending || signUp.isPending;

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const onError = (error: unknown) => setErrors(serverErrors(mode, error));
    const { username, password } = values;
    if (mode === 'signIn') {
      const checked = await check((s) => s.authInputs.signIn, { username, password }, REQUIRED);
      setErrors(checked.ok ? {} : checked.errors);
      if (checked.ok) signIn.mutate(checked.data, { onError });
      else focusFirstError(form, checked.errors, FIELDS);
    } else {
      const displayName = values.displayName.trim() || undefined;
      const checked = await check(
        (s) => s.authInputs.signUp,
        { username, password, displayName, invite },
        REQUIRED,
      );
      // A mangled invite code is the link's fault, not a field's: say so above the button.
      const { invite: badInvite, ...errors } = checked.ok ? {} : checked.errors;
      setErrors(badInvite ? { ...errors, form: badInvite } : errors);
      if (checked.ok) signUp.mutate(checked.data, { onError });
      else focusFirstError(form, errors, FIELDS);
    }
  };

  const switchTo = (next: Mode) => {
    setMode(next);
    setErrors({});
  };

  return (
    <main className="auth">
      <div className="auth-card">
        <div className="auth-brand">
          <span className="logo" aria-hidden="true" />
          <span>Parley</span>
        </div>
        {signedOut.notice && <Notice message={signedOut.notice} onDismiss={signedOut.dismiss} />}
        <h1>{mode === 'signIn' ? 'Welcome back' : 'Create your account'}</h1>
        <p className="muted">
          {mode === 'signIn'
            ? 'Sign in to pick up the conversation.'
            : invite
              ? 'You have been invited. It takes ten seconds.'
              : 'It takes ten seconds.'}
        </p>
        <form onSubmit={submit} noValidate>
          <TextField
            label="Username"
            {...field('username')}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
          />
          {mode === 'signUp' && (
            <TextField
              label="Display name (optional)"
              {...field('displayName')}
              autoComplete="nickname"
            />
          )}
          <TextField
            label="Password"
            {...field('password')}
            type="password"
            autoComplete={mode === 'signIn' ? 'current-password' : 'new-password'}
          />
          <FormError message={errors.form} />
          <button type="submit" className="btn primary wide" disabled={busy}>
            {mode === 'signIn'
              ? busy
                ? 'Signing in…'
                : 'Sign in'
              : busy
                ? 'Creating…'
                : 'Create account'}
          </button>
        </form>
        <p className="auth-switch">
          {mode === 'signIn' ? (
            <>
              New here?{' '}
              <button type="button" className="link" onClick={() => switchTo('signUp')}>
                Create an account
              </button>
            </>
          ) : (
            <>
              Already have an account?{' '}
              <button type="button" className="link" onClick={() => switchTo('signIn')}>
                Sign in
              </button>
            </>
          )}
        </p>
      </div>
    </main>
  );
}
