import type { authInputs } from '@parley/api-contract/schemas';
import type { Db } from '@parley/db';
import type { z } from 'zod';
import { fail, ok, type Result } from '../errors.js';
import { consumeInvite, workspaceSettings } from '../workspace/service.js';
import { hashPassword } from './passwords.js';
import {
  type AuthOptions,
  createAccount,
  type Device,
  type SignedIn,
  startSession,
} from './service.js';

export const SIGN_UP_CLOSED =
  'Sign-up is closed on this workspace. Ask its owner to open it or to send you an invite.';
export const INVITE_REQUIRED =
  'This workspace is invite-only: sign up with the invite link its owner sent you.';
export const INVITE_INVALID =
  'This invite is not valid: it may have expired, been used up or been revoked. Ask for a new one.';

/** Thrown to roll the transaction back: the invite was refused, or the account not created. */
class Refused extends Error {
  constructor(readonly result: ReturnType<typeof fail>) {
    super(result.message);
  }
}

/**
 * `auth.signUp` under the workspace's sign-up mode: `open` lets anyone in, `invite` needs a
 * valid invite code (used once, atomically with creating the account), `closed` no one. The very
 * first account (the owner) is always allowed.
 */
export async function signUpWithPolicy(
  db: Db,
  opts: AuthOptions,
  input: z.output<typeof authInputs.signUp>,
  device: Device,
): Promise<Result<SignedIn>> {
  const { signUp: mode, hasUsers } = await workspaceSettings(db);
  if (hasUsers && mode === 'closed') return fail('FORBIDDEN', SIGN_UP_CLOSED);
  const needsInvite = hasUsers && mode === 'invite';
  if (needsInvite && !input.invite) return fail('FORBIDDEN', INVITE_REQUIRED);
  const passwordHash = await hashPassword(input.password, opts.passwordHashing);
  let created: SignedIn['user'] & { role: SignedIn['role'] };
  try {
    created = await db.transaction(async (tx) => {
      // The invite's use is taken back if the account is not created (username taken).
      if (needsInvite && !(await consumeInvite(tx, input.invite ?? ''))) {
        throw new Refused(fail('FORBIDDEN', INVITE_INVALID));
      }
      const result = await createAccount(tx, input, passwordHash);
      if (!result.ok) throw new Refused(result);
      return result.value;
    });
  } catch (error) {
    if (error instanceof Refused) return error.result;
    throw error;
  }
  return ok(await startSession(db, opts, created, device));
}
