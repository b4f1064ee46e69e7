import type { SignUpMode } from '@parley/api-contract';
import { type ReactNode, useState } from 'react';
import { friendlyError } from '../../lib/errors';
import { FormError, FormStatus } from '../../ui/form';
import { Page, PageSection } from '../../ui/Page';
import { Invites } from './Invites';
import { People } from './People';
import { useUpdateWorkspaceSettings, useWorkspaceSettings } from './workspace';

/** The workspace, for its owner: who may sign up, invites, people. */
export function AdminScreen({ me, tabs }: { me: { id: string }; tabs?: ReactNode }) {
  return (
    <Page title="Admin" tabs={tabs}>
      <PageSection
        title="Sign-up"
        description="Who may create an account. Existing accounts are not affected."
      >
        <SignUpSetting />
      </PageSection>
      <PageSection
        title="Invites"
        description="An invite link lets one or more people sign up while sign-up is invite-only."
      >
        <Invites />
      </PageSection>
      <PageSection
        title="People"
        description="A deactivated person is signed out everywhere at once and cannot sign in; their messages stay."
      >
        <People meId={me.id} />
      </PageSection>
    </Page>
  );
}

const MODES: { mode: SignUpMode; label: string; detail: string }[] = [
  { mode: 'open', label: 'Open', detail: 'anyone who can reach this server can sign up' },
  { mode: 'invite', label: 'Invite only', detail: 'people sign up with an invite link' },
  { mode: 'closed', label: 'Closed', detail: 'nobody new can sign up' },
];

function SignUpSetting() {
  const settings = useWorkspaceSettings();
  const update = useUpdateWorkspaceSettings();
  const [saved, setSaved] = useState<string>();
  // The choice being saved, set in the click itself: React puts a controlled radio back to its
  // prop right after the event, and the mutation's pending state only arrives a tick later.
  const [chosen, setChosen] = useState<SignUpMode | null>(null);
  if (settings.isPending) return <p className="muted">Loading…</p>;
  if (settings.isError) return <FormError message={friendlyError(settings.error, '')} />;
  const current = chosen ?? settings.data.signUp;
  return (
    <>
      <fieldset className="radio-group">
        <legend>Sign-up is</legend>
        {MODES.map(({ mode, label, detail }) => (
          <label key={mode}>
            <input
              type="radio"
              name="signUp"
              checked={current === mode}
              disabled={update.isPending}
              onChange={() => {
                setSaved(undefined);
                setChosen(mode);
                update.mutate(
                  { signUp: mode },
                  {
                    onSuccess: () => setSaved(`Saved: sign-up is now ${label.toLowerCase()}.`),
                    onSettled: () => setChosen(null),
                  },
                );
              }}
            />
            <span>
              <strong>{label}</strong> — {detail}
            </span>
          </label>
        ))}
      </fieldset>
      <FormStatus message={saved} />
      <FormError message={update.error ? friendlyError(update.error, '') : undefined} />
    </>
  );
}
