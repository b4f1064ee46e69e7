import { tokenInputs } from '@parley/api-contract/schemas';
import { unwrap } from '../errors.js';
import { limit, router, sessionProcedure } from '../trpc.js';
import { createToken, listTokens, revokeToken } from './service.js';

/** Bot tokens: managed by a signed-in person, used by programs as bearer tokens. */
export const tokensRouter = router({
  create: sessionProcedure
    .use(limit('tokens', 'creating tokens'))
    .input(tokenInputs.create)
    .mutation(({ ctx, input }) => createToken(ctx.deps.db, ctx.caller.user.id, input.name)),

  list: sessionProcedure.query(({ ctx }) => listTokens(ctx.deps.db, ctx.caller.user.id)),

  revoke: sessionProcedure
    .use(limit('tokens', 'revoking tokens'))
    .input(tokenInputs.revoke)
    .mutation(async ({ ctx, input }) => {
      const result = unwrap(await revokeToken(ctx.deps.db, ctx.caller.user.id, input.tokenId));
      ctx.deps.events.tokenRevoked(input.tokenId);
      return result;
    }),
});
