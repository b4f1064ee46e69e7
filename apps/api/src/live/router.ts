import { liveInputs, type RoomEvent, type UserEvent } from '@parley/api-contract/schemas';
import { tracked } from '@trpc/server';
import { unwrap } from '../errors.js';
import { onSocketClose, whenWritable } from '../limits/sockets.js';
import { eventsAfter, lastPosition } from '../messages/replay.js';
import { requireMember } from '../rooms/access.js';
import { memberIdsOf, roomsOf } from '../rooms/members.js';
import { authedProcedure, enforceLimit, router } from '../trpc.js';
import type { Topics } from './bus.js';
import { subscriptionRequestOf } from './encoder.js';
import { RoomDelivery } from './room-delivery.js';
import { roomFeed } from './room-feed.js';
import { EventStream } from './stream.js';
import { tap } from './tap.js';

/** Live events held while a replay waits for a slow reader; past this, re-read from the log. */
const MAX_QUEUED = 1000;

export const liveRouter = router({
  /**
   * A room's message events as `tracked(position, event)`. With `lastEventId` it first replays
   * everything after that position from the database, then continues live, with no gap and
   * no duplicate (live/room-feed.ts).
   */
  roomEvents: authedProcedure
    .input(liveInputs.roomEvents)
    // Which wire request this is (live/encoder.ts), so its live events can skip tRPC's loop.
    .use(async ({ getRawInput, next }) =>
      next({ ctx: { wire: subscriptionRequestOf(await getRawInput()) } }),
    )
    .subscription(async ({ ctx, input, signal }) => {
      // Set up before returning: tRPC says `started` once this resolves, so a client that waits
      // for it and then sends sees its message (a generator's body would only run after it).
      const { db, bus, fanout } = ctx.deps;
      const userId = ctx.caller.user.id;
      const access = unwrap(await requireMember(db, input.roomId, userId));
      const stream = new EventStream<RoomEvent>(signal, MAX_QUEUED);
      const socket = ctx.socket?.ws;
      const delivery = new RoomDelivery(stream, socket, ctx.wire);
      const joined = fanout.join(input.roomId, delivery);
      stream.onClose(joined.leave);
      stream.onClose(
        bus.subscribe('user', userId, (event) => {
          if (event.type === 'room.removed' && event.roomId === input.roomId) stream.close();
        }),
      );
      // A socket that closes before tRPC starts iterating never aborts the signal.
      if (socket) stream.onClose(onSocketClose(socket, () => stream.close()));
      // Replay goes at the reader's pace: a page is read, and each event sent, only once the
      // socket has drained to half its cap, so a slow reader never makes the server hold a room.
      const lowWater = ctx.deps.config.maxBufferedBytes / 2;
      const writable = async () => {
        if (socket) await whenWritable(socket, lowWater);
      };
      // No resume point: start from now. Read after joining the room's feed, so nothing is lost.
      const resume = input.lastEventId != null;
      let after: number;
      try {
        // Every node's events reach the room's feed from here on; only then read the start.
        await joined.ready;
        if (resume) after = Number(input.lastEventId);
        else {
          after = await lastPosition(db, access.room.id);
          fanout.startAt(access.room.id, after);
        }
      } catch (error) {
        stream.close();
        throw error;
      }
      // A tap, not a generator layer around the feed: it sits suspended as long as the
      // subscription lives (live/tap.ts).
      const feed = roomFeed({
        live: stream,
        read: (from, limit) => eventsAfter(db, access.room.id, from, limit),
        after,
        replay: resume,
        writable,
        handoff: delivery.canWrite ? (last) => delivery.handoff(last) : undefined,
      });
      return tap(feed, {
        map: (event) => tracked(String(event.position), event),
        done: () => delivery.throwIfFailed(),
        end: () => stream.close(),
      });
    }),

  /** "I am typing" in a room; the signal lapses after ~5 s without another. */
  typing: authedProcedure.input(liveInputs.typing).mutation(async ({ ctx, input }) => {
    const user = ctx.caller.user;
    unwrap(await requireMember(ctx.deps.db, input.roomId, user.id));
    await enforceLimit(ctx.deps.limits.typing, user.id, 'Too many typing signals.');
    ctx.deps.typing.touch(input.roomId, user);
    return { ok: true as const };
  }),

  /** Presence (a snapshot of who is online first, then changes) and typing in a room. */
  roomActivity: authedProcedure.input(liveInputs.roomActivity).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const { db, bus, presence } = ctx.deps;
    const userId = ctx.caller.user.id;
    unwrap(await requireMember(db, input.roomId, userId));
    const stream = new EventStream<Topics['activity']>(signal);
    const live = bus.subscribe('activity', input.roomId, stream.push);
    stream.onClose(live);
    stream.onClose(
      bus.subscribe('user', userId, (event) => {
        if (event.type === 'room.removed' && event.roomId === input.roomId) stream.close();
      }),
    );
    try {
      await live.ready;
      const members = await memberIdsOf(db, input.roomId);
      const [online, typing] = await Promise.all([
        presence.onlineAmong(members),
        ctx.deps.typing.typingIn(input.roomId),
      ]);
      yield {
        type: 'presence.snapshot' as const,
        online: members.filter((id) => online.has(id)),
        typing,
      };
      for await (const event of stream) {
        if (event.type !== 'room.activity') yield event;
      }
    } finally {
      stream.close();
    }
  }),

  /**
   * The caller's own stream: rooms added, removed or changed (name, topic, archived, my role),
   * rooms moving on, DM peers' presence.
   */
  userEvents: authedProcedure.subscription(async function* ({ ctx, signal }) {
    const { db, bus } = ctx.deps;
    const userId = ctx.caller.user.id;
    const stream = new EventStream<UserEvent>(signal);
    const roomSubscriptions = new Map<string, () => void>();
    const watchRoom = (roomId: string, direct: boolean) => {
      if (roomSubscriptions.has(roomId)) return;
      roomSubscriptions.set(
        roomId,
        bus.subscribe('activity', roomId, (event) => {
          if (event.type === 'room.activity') stream.push({ ...event, roomId });
          else if (event.type === 'presence' && direct && event.userId !== userId) {
            stream.push(event);
          } else if (event.type === 'user.updated' && direct && event.user.id !== userId) {
            stream.push(event);
          } else if (event.type === 'room.updated') {
            stream.push({ type: 'room.updated', room: event.room });
          } else if (event.type === 'member.role' && event.userId === userId) {
            stream.push({ type: 'room.role', roomId, role: event.role });
          }
        }),
      );
    };
    const unwatchRoom = (roomId: string) => {
      roomSubscriptions.get(roomId)?.();
      roomSubscriptions.delete(roomId);
    };
    stream.onClose(() => {
      for (const unsubscribe of roomSubscriptions.values()) unsubscribe();
      roomSubscriptions.clear();
    });
    const own = bus.subscribe('user', userId, (event) => {
      if (event.type === 'room.added') watchRoom(event.room.id, event.room.kind === 'direct');
      if (event.type === 'room.removed') unwatchRoom(event.roomId);
      stream.push(event);
    });
    stream.onClose(own);
    try {
      await own.ready;
      for (const room of await roomsOf(db, userId)) watchRoom(room.id, room.kind === 'direct');
      yield* stream;
    } finally {
      stream.close();
    }
  }),
});
