import { LIMITS, USERNAME_PATTERN } from '@parley/api-contract/limits';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { errorCode, errorMessage, fieldIssues, socket, useTRPC } from './trpc';

type Field = 'username' | 'password' | 'displayName';
type Errors = Partial<Record<Field | 'form', string>>;

function validate(mode: 'signIn' | 'signUp', values: Record<Field, string>): Errors {
  const errors: Errors = {};
  const username = values.username.trim().toLowerCase();
  if (!username) errors.username = 'Enter your username.';
  else if (mode === 'signUp' && !USERNAME_PATTERN.test(username)) {
    errors.username = `Use ${LIMITS.usernameMin}–${LIMITS.usernameMax} characters: letters, digits and _.`;
  }
  if (!values.password) errors.password = 'Enter your password.';
  else if (mode === 'signUp' && values.password.length < LIMITS.passwordMin) {
    errors.password = `Use at least ${LIMITS.passwordMin} characters.`;
  }
  if (mode === 'signUp' && values.displayName.trim().length > LIMITS.displayNameMax) {
    errors.displayName = `Use at most ${LIMITS.displayNameMax} characters.`;
  }
  return errors;
}

/** Server refusals, put next to the field they are about. */
function serverErrors(mode: 'signIn' | 'signUp', error: unknown): Errors {
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
    const out: Errors = {};
    for (const field of ['username', 'password', 'displayName'] as const) {
      if (issues[field]) out[field] = issues[field];
    }
    if (Object.keys(out).length > 0) return out;
  }
  return { form: message };
}

export function AuthScreen() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<'signIn' | 'signUp'>('signIn');
  const [values, setValues] = useState<Record<Field, string>>({
    username: '',
    password: '',
    displayName: '',
  });
  const [errors, setErrors] = useState<Errors>({});
  const ids = useId();

  const onSignedIn = async () => {
    await socket.restart();
    await queryClient.resetQueries();
  };
  const signIn = useMutation(trpc.auth.signIn.mutationOptions({ onSuccess: onSignedIn }));
  const signUp = useMutation(trpc.auth.signUp.mutationOptions({ onSuccess: onSignedIn }));
  const busy = signIn.isPending || signUp.isPending;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validate(mode, values);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      const first = (['username', 'password', 'displayName'] as const).find((f) => found[f]);
      if (first) document.getElementById(`${ids}-${first}`)?.focus();
      return;
    }
    const onError = (error: unknown) => setErrors(serverErrors(mode, error));
    const username = values.username.trim().toLowerCase();
    if (mode === 'signIn') {
      signIn.mutate({ username, password: values.password }, { onError });
    } else {
      const displayName = values.displayName.trim();
      signUp.mutate(
        { username, password: values.password, displayName: displayName || undefined },
        { onError },
      );
    }
  };

  const field = (
    name: Field,
    label: string,
    props: React.InputHTMLAttributes<HTMLInputElement>,
  ) => {
    const id = `${ids}-${name}`;
    const error = errors[name];
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          name={name}
          value={values[name]}
          onChange={(e) => {
            setValues((v) => ({ ...v, [name]: e.target.value }));
            if (errors[name]) setErrors((x) => ({ ...x, [name]: undefined }));
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          {...props}
        />
        {error && (
          <p className="field-error" id={`${id}-error`}>
            {error}
          </p>
        )}
      </div>
    );
  };

  const switchTo = (next: 'signIn' | 'signUp') => {
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
        <h1>{mode === 'signIn' ? 'Welcome back' : 'Create your account'}</h1>
        <p className="muted">
          {mode === 'signIn' ? 'Sign in to pick up the conversation.' : 'It takes ten seconds.'}
        </p>
        <form onSubmit={submit} noValidate>
          {field('username', 'Username', {
            autoComplete: 'username',
            autoCapitalize: 'none',
            spellCheck: false,
            autoFocus: true,
          })}
          {mode === 'signUp' &&
            field('displayName', 'Display name (optional)', { autoComplete: 'nickname' })}
          {field('password', 'Password', {
            type: 'password',
            autoComplete: mode === 'signIn' ? 'current-password' : 'new-password',
          })}
          {errors.form && (
            <p className="form-error" role="alert">
              {errors.form}
            </p>
          )}
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
