import { roomInputs } from '@parley/api-contract/schemas';
import { unwrap } from '../errors.js';
import { authedProcedure, limit, router } from '../trpc.js';
import {
  browseRooms,
  createRoom,
  inviteToRoom,
  joinRoom,
  kickFromRoom,
  leaveRoom,
  listRooms,
  markRead,
  openDirect,
  roomMembers,
  setNotifications,
} from './service.js';
import { setArchived, setRole, updateRoom } from './settings.js';

export const roomsRouter = router({
  create: authedProcedure
    .use(limit('rooms', 'creating rooms'))
    .input(roomInputs.create)
    .mutation(async ({ ctx, input }) =>
      unwrap(await createRoom(ctx.deps, ctx.caller.user.id, input)),
    ),

  list: authedProcedure.query(({ ctx }) => listRooms(ctx.deps, ctx.caller.user.id)),

  browse: authedProcedure
    .input(roomInputs.browse)
    .query(({ ctx, input }) => browseRooms(ctx.deps.db, ctx.caller.user.id, input?.search)),

  join: authedProcedure
    .use(limit('membership', 'joining rooms'))
    .input(roomInputs.byId)
    .mutation(async ({ ctx, input }) =>
      unwrap(await joinRoom(ctx.deps, ctx.caller.user.id, input.roomId)),
    ),

  leave: authedProcedure
    .use(limit('membership', 'leaving rooms'))
    .input(roomInputs.byId)
    .mutation(async ({ ctx, input }) =>
      unwrap(await leaveRoom(ctx.deps, ctx.caller.user.id, input.roomId)),
    ),

  invite: authedProcedure
    .use(limit('membership', 'inviting people'))
    .input(roomInputs.invite)
    .mutation(async ({ ctx, input }) =>
      unwrap(await inviteToRoom(ctx.deps, ctx.caller.user.id, input)),
    ),

  kick: authedProcedure
    .use(limit('membership', 'removing people'))
    .input(roomInputs.kick)
    .mutation(async ({ ctx, input }) =>
      unwrap(await kickFromRoom(ctx.deps, ctx.caller.user.id, input)),
    ),

  openDirect: authedProcedure
    .use(limit('direct', 'opening conversations'))
    .input(roomInputs.openDirect)
    .mutation(async ({ ctx, input }) =>
      unwrap(await openDirect(ctx.deps, ctx.caller.user.id, input.username)),
    ),

  members: authedProcedure
    .input(roomInputs.byId)
    .query(async ({ ctx, input }) =>
      unwrap(await roomMembers(ctx.deps, ctx.caller.user.id, input.roomId)),
    ),

  markRead: authedProcedure
    .use(limit('reads', 'marking rooms read'))
    .input(roomInputs.markRead)
    .mutation(async ({ ctx, input }) =>
      unwrap(await markRead(ctx.deps, ctx.caller.user.id, input)),
    ),

  setNotifications: authedProcedure
    .use(limit('reads', 'changing notifications'))
    .input(roomInputs.setNotifications)
    .mutation(async ({ ctx, input }) =>
      unwrap(await setNotifications(ctx.deps, ctx.caller.user.id, input)),
    ),

  update: authedProcedure
    .use(limit('roomSettings', 'changing rooms'))
    .input(roomInputs.update)
    .mutation(async ({ ctx, input }) =>
      unwrap(await updateRoom(ctx.deps, ctx.caller.user.id, input)),
    ),

  setRole: authedProcedure
    .use(limit('roomSettings', 'changing roles'))
    .input(roomInputs.setRole)
    .mutation(async ({ ctx, input }) => unwrap(await setRole(ctx.deps, ctx.caller.user.id, input))),

  archive: authedProcedure
    .use(limit('roomSettings', 'archiving rooms'))
    .input(roomInputs.byId)
    .mutation(async ({ ctx, input }) =>
      unwrap(await setArchived(ctx.deps, ctx.caller.user.id, input.roomId, true)),
    ),

  unarchive: authedProcedure
    .use(limit('roomSettings', 'unarchiving rooms'))
    .input(roomInputs.byId)
    .mutation(async ({ ctx, input }) =>
      unwrap(await setArchived(ctx.deps, ctx.caller.user.id, input.roomId, false)),
    ),
});
