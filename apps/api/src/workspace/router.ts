import { adminInputs } from '@parley/api-contract/schemas';
import { unwrap } from '../errors.js';
import { limit, ownerProcedure, router } from '../trpc.js';
import {
  createInvite,
  deactivateUser,
  listInvites,
  listUsers,
  reactivateUser,
  revokeInvite,
  updateSettings,
  workspaceSettings,
} from './service.js';

/** The workspace, run by its owner (the first account): sign-up mode, invites, people. */
export const adminRouter = router({
  settings: ownerProcedure.query(async ({ ctx }) => {
    const { signUp } = await workspaceSettings(ctx.deps.db);
    return { signUp };
  }),

  updateSettings: ownerProcedure
    .use(limit('admin', 'changing workspace settings'))
    .input(adminInputs.updateSettings)
    .mutation(({ ctx, input }) => updateSettings(ctx.deps.db, input)),

  createInvite: ownerProcedure
    .use(limit('admin', 'creating invites'))
    .input(adminInputs.createInvite)
    .mutation(({ ctx, input }) => createInvite(ctx.deps.db, ctx.caller.user.id, input)),

  listInvites: ownerProcedure.query(({ ctx }) => listInvites(ctx.deps.db)),

  revokeInvite: ownerProcedure
    .use(limit('admin', 'revoking invites'))
    .input(adminInputs.revokeInvite)
    .mutation(async ({ ctx, input }) => unwrap(await revokeInvite(ctx.deps.db, input.inviteId))),

  users: ownerProcedure
    .input(adminInputs.users)
    .query(({ ctx, input }) => listUsers(ctx.deps.db, input)),

  /** Sign-in refused from now on; their sessions and tokens revoked, so their sockets close. */
  deactivateUser: ownerProcedure
    .use(limit('admin', 'deactivating people'))
    .input(adminInputs.byUser)
    .mutation(async ({ ctx, input }) => {
      const { db, events } = ctx.deps;
      const done = unwrap(await deactivateUser(db, ctx.caller.user.id, input.userId));
      for (const id of done.sessionIds) events.sessionRevoked(id, 'deactivated');
      for (const id of done.tokenIds) events.tokenRevoked(id, 'deactivated');
      return { userId: done.userId };
    }),

  reactivateUser: ownerProcedure
    .use(limit('admin', 'reactivating people'))
    .input(adminInputs.byUser)
    .mutation(async ({ ctx, input }) => unwrap(await reactivateUser(ctx.deps.db, input.userId))),
});
