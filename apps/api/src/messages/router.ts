import { messageInputs } from '@parley/api-contract/schemas';
import { unwrap } from '../errors.js';
import { authedProcedure, enforceLimit, limit, router } from '../trpc.js';
import { myMentions } from './mentions.js';
import { changeReaction } from './reactions.js';
import { searchMessages } from './search.js';
import {
  deleteMessage,
  editMessage,
  messageHistory,
  messagesAround,
  messageThread,
  sendMessage,
} from './service.js';

export const messagesRouter = router({
  send: authedProcedure.input(messageInputs.send).mutation(async ({ ctx, input }) => {
    const started = performance.now();
    await enforceLimit(
      ctx.deps.limits.send,
      ctx.caller.user.id,
      'You are sending messages faster than Parley allows.',
    );
    const sent = unwrap(await sendMessage(ctx.deps, ctx.caller.user.id, input));
    ctx.deps.metrics.messageSent(started);
    return sent;
  }),

  edit: authedProcedure
    .use(limit('edits', 'editing messages'))
    .input(messageInputs.edit)
    .mutation(async ({ ctx, input }) =>
      unwrap(await editMessage(ctx.deps, ctx.caller.user.id, input)),
    ),

  delete: authedProcedure
    .use(limit('edits', 'deleting messages'))
    .input(messageInputs.delete)
    .mutation(async ({ ctx, input }) =>
      unwrap(await deleteMessage(ctx.deps, ctx.caller.user.id, input)),
    ),

  history: authedProcedure
    .input(messageInputs.history)
    .query(async ({ ctx, input }) =>
      unwrap(
        await messageHistory(
          ctx.deps.db,
          ctx.caller.user.id,
          input,
          ctx.deps.config.limits.historyPageBytes,
        ),
      ),
    ),

  thread: authedProcedure
    .input(messageInputs.thread)
    .query(async ({ ctx, input }) =>
      unwrap(
        await messageThread(
          ctx.deps.db,
          ctx.caller.user.id,
          input,
          ctx.deps.config.limits.historyPageBytes,
        ),
      ),
    ),

  react: authedProcedure
    .use(limit('reactions', 'reacting'))
    .input(messageInputs.react)
    .mutation(async ({ ctx, input }) =>
      unwrap(await changeReaction(ctx.deps, ctx.caller.user.id, input, true)),
    ),

  unreact: authedProcedure
    .use(limit('reactions', 'reacting'))
    .input(messageInputs.unreact)
    .mutation(async ({ ctx, input }) =>
      unwrap(await changeReaction(ctx.deps, ctx.caller.user.id, input, false)),
    ),

  // A query, but each one is a full-text scan of the caller's rooms: rate-limited like a write.
  search: authedProcedure
    .use(limit('search', 'searching'))
    .input(messageInputs.search)
    .query(async ({ ctx, input }) =>
      unwrap(await searchMessages(ctx.deps.db, ctx.caller.user.id, input)),
    ),

  mentions: authedProcedure
    .input(messageInputs.mentions)
    .query(async ({ ctx, input }) =>
      unwrap(await myMentions(ctx.deps.db, ctx.caller.user.id, input)),
    ),

  around: authedProcedure
    .input(messageInputs.around)
    .query(async ({ ctx, input }) =>
      unwrap(
        await messagesAround(
          ctx.deps.db,
          ctx.caller.user.id,
          input,
          ctx.deps.config.limits.historyPageBytes,
        ),
      ),
    ),
});
