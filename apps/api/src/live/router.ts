import { liveInputs, type RoomEvent, type UserEvent } from '@parley/api-contract/schemas';
import { memberships, rooms } from '@parley/db';
import { tracked } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { unwrap } from '../errors.js';
import { eventsAfter } from '../messages/views.js';
import { requireMember } from '../rooms/access.js';
import { authedProcedure, enforceLimit, router } from '../trpc.js';
import type { Topics } from './bus.js';
import { EventStream } from './stream.js';

const REPLAY_PAGE = 500;

export const liveRouter = router({
  /**
   * A room's message events as `tracked(position, event)`. With `lastEventId` it first replays
   * everything after that position from the database, then continues live. The live source
   * is subscribed before the database is read, and anything at or below the last yielded
   * position is skipped, so there is no gap and no duplicate at the seam. A live event that
   * arrives ahead of one still missing (publishers race after commit) triggers a read of the
   * gap from the database.
   */
  roomEvents: authedProcedure.input(liveInputs.roomEvents).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const { db, bus } = ctx.deps;
    const userId = ctx.caller.user.id;
    const access = unwrap(await requireMember(db, input.roomId, userId));
    const stream = new EventStream<RoomEvent>(signal);
    stream.onClose(bus.subscribe('room', input.roomId, stream.push));
    stream.onClose(
      bus.subscribe('user', userId, (event) => {
        if (event.type === 'room.removed' && event.roomId === input.roomId) stream.close();
      }),
    );
    try {
      let last: number;
      if (input.lastEventId != null) {
        last = Number(input.lastEventId);
      } else {
        // No resume point: start from now. Read after subscribing, so nothing is lost.
        const [room] = await db
          .select({ lastPosition: rooms.lastPosition })
          .from(rooms)
          .where(eq(rooms.id, access.room.id));
        last = room?.lastPosition ?? 0;
      }
      const catchUp = async function* (until: number) {
        while (last < until && !stream.closed) {
          const page = await eventsAfter(db, input.roomId, last, REPLAY_PAGE);
          for (const event of page) {
            last = event.position;
            yield tracked(String(event.position), event);
          }
          if (page.length < REPLAY_PAGE) return;
        }
      };
      if (input.lastEventId != null) yield* catchUp(Number.MAX_SAFE_INTEGER);
      while (!stream.closed) {
        for (const event of await stream.take()) {
          if (event.position <= last) continue;
          if (event.position > last + 1) {
            yield* catchUp(event.position);
            if (event.position <= last) continue;
          }
          last = event.position;
          yield tracked(String(event.position), event);
        }
      }
    } finally {
      stream.close();
    }
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
    stream.onClose(bus.subscribe('activity', input.roomId, stream.push));
    stream.onClose(
      bus.subscribe('user', userId, (event) => {
        if (event.type === 'room.removed' && event.roomId === input.roomId) stream.close();
      }),
    );
    try {
      const members = await db
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(eq(memberships.roomId, input.roomId));
      yield {
        type: 'presence.snapshot' as const,
        online: members.map((m) => m.userId).filter(presence.isOnline),
        typing: ctx.deps.typing.typingIn(input.roomId),
      };
      for await (const event of stream) {
        if (event.type !== 'room.activity') yield event;
      }
    } finally {
      stream.close();
    }
  }),

  /** The caller's own stream: rooms added or removed, rooms moving on, DM peers' presence. */
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
    stream.onClose(
      bus.subscribe('user', userId, (event) => {
        if (event.type === 'room.added') watchRoom(event.room.id, event.room.kind === 'direct');
        if (event.type === 'room.removed') unwatchRoom(event.roomId);
        stream.push(event);
      }),
    );
    try {
      const mine = await db
        .select({ roomId: memberships.roomId, kind: rooms.kind })
        .from(memberships)
        .innerJoin(rooms, eq(rooms.id, memberships.roomId))
        .where(eq(memberships.userId, userId));
      for (const room of mine) watchRoom(room.roomId, room.kind === 'direct');
      yield* stream;
    } finally {
      stream.close();
    }
  }),
});
