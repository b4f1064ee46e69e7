import { LIMITS } from '@parley/api-contract/limits';
import { type FormEvent, useState } from 'react';
import { fieldIssues, friendlyError } from '../../lib/errors';
import { check } from '../../lib/validate';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { CopyField } from '../../ui/CopyField';
import { FormError, TextField, useForm } from '../../ui/form';
import { When } from '../../ui/Page';
import { useBotTokens, useCreateBotToken, useRevokeBotToken } from './botTokens';

type Token = NonNullable<ReturnType<typeof useBotTokens>['data']>[number];

/** Create a token (its secret shown once), list mine, revoke one. */
export function BotTokens() {
  const tokens = useBotTokens();
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);

  return (
    <>
      <CreateTokenForm onCreated={setCreated} />
      {created && (
        <section className="secret-box" aria-label={`New token ${created.name}`}>
          <p className="warning">
            <strong>Copy this token now: it will not be shown again.</strong> Anyone who has it can
            act as you; keep it out of code and chat.
          </p>
          <CopyField label={`Secret of “${created.name}”`} value={created.secret} />
          <button type="button" className="btn" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </section>
      )}
      {tokens.isPending && <p className="muted">Loading tokens…</p>}
      {tokens.isError && <FormError message={friendlyError(tokens.error, '')} />}
      {tokens.data && tokens.data.length === 0 && <p className="muted">No bot tokens yet.</p>}
      {tokens.data && tokens.data.length > 0 && (
        <ul className="item-list" aria-label="Bot tokens">
          {tokens.data.map((t) => (
            <li key={t.id} className={t.revokedAt ? 'revoked' : undefined}>
              <div className="item-main">
                <div className="item-name">
                  {t.name}
                  {t.revokedAt && <span className="tag">Revoked</span>}
                </div>
                <div className="muted small">
                  created <When iso={t.createdAt} /> · last used{' '}
                  <When iso={t.lastUsedAt} empty="never" />
                </div>
              </div>
              {!t.revokedAt && (
                <button
                  type="button"
                  className="btn small"
                  aria-label={`Revoke ${t.name}`}
                  onClick={() => setRevoking(t)}
                >
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {revoking && <RevokeDialog token={revoking} onClose={() => setRevoking(null)} />}
    </>
  );
}

function CreateTokenForm({
  onCreated,
}: {
  onCreated: (created: { name: string; secret: string }) => void;
}) {
  const { values, setValues, setErrors, field } = useForm({ name: '' });
  const create = useCreateBotToken();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = await check((s) => s.tokenInputs.create, values, {
      name: 'Name the token (e.g. the bot that will use it).',
    });
    if (!checked.ok) return setErrors(checked.errors);
    create.mutate(checked.data, {
      onSuccess: ({ token, secret }) => {
        setValues({ name: '' });
        onCreated({ name: token.name, secret });
      },
      onError: (error) =>
        setErrors({ name: fieldIssues(error).name ?? friendlyError(error, 'Not created.') }),
    });
  };
  return (
    <form onSubmit={submit} noValidate className="inline-form">
      <TextField
        label="Token name"
        {...field('name')}
        maxLength={LIMITS.tokenNameMax}
        placeholder="e.g. dicebot"
        autoComplete="off"
      />
      <button type="submit" className="btn primary" disabled={create.isPending}>
        Create token
      </button>
    </form>
  );
}

function RevokeDialog({ token, onClose }: { token: Token; onClose: () => void }) {
  const revoke = useRevokeBotToken();
  return (
    <ConfirmDialog
      title={`Revoke “${token.name}”?`}
      confirmLabel="Revoke token"
      busy={revoke.isPending}
      error={revoke.error ? friendlyError(revoke.error, 'That token is gone already.') : undefined}
      onConfirm={() => revoke.mutate({ tokenId: token.id }, { onSuccess: onClose })}
      onClose={onClose}
    >
      Programs using it stop working at once, and its open connections close. This cannot be undone.
    </ConfirmDialog>
  );
}
