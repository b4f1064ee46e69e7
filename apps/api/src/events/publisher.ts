import { LIMITS } from '@parley/api-contract/limits';
import type {
  MemberRole,
  NotifyLevel,
  RevokeReason,
  RoomEvent,
  RoomInfo,
  RoomSummary,
  UserRef,
} from '@parley/api-contract/schemas';
import type { Bus } from '../live/bus.js';
import { markPublished } from '../ops/metrics.js';

const CHANGES = {
  'message.created': 'created',
  'message.edited': 'edited',
  'message.deleted': 'deleted',
  'reaction.added': 'reacted',
  'reaction.removed': 'reacted',
} as const;

/**
 * The only code that publishes to the bus: one method per kind of server event. Services,
 * routers and the presence and typing trackers call it once the change it announces is
 * committed; the live procedures subscribe to the topics it writes (see live/bus.ts).
 */
export class EventPublisher {
  constructor(private readonly bus: Bus) {}

  /**
   * A message was created, edited or deleted at `event.position`: the room's subscribers get
   * the event, and its members' room lists learn that the room moved on.
   */
  messageEvent(event: RoomEvent): void {
    markPublished(event);
    const { roomId, author } = event.message;
    this.bus.publish('room', roomId, event);
    const { message } = event;
    this.bus.publish('activity', roomId, {
      type: 'room.activity',
      lastPosition: event.position,
      authorId: author.id,
      change: CHANGES[event.type],
      // What the room list shows (rooms/summaries.ts): the start of the body, by code points.
      message: {
        author,
        body:
          message.body.length > LIMITS.lastMessageExcerpt
            ? Array.from(message.body).slice(0, LIMITS.lastMessageExcerpt).join('')
            : message.body,
        createdAt: message.createdAt,
        position: message.position,
      },
      mentions: message.mentions,
      // A thread reply is neither the room's preview nor counted unread (rooms/summaries.ts).
      ...(message.threadId !== null && { inThread: true as const }),
    });
  }

  /**
   * An edit or deletion changed who a message mentions: each person added (`mentioned`) or
   * removed, so their room list's mention count follows.
   */
  mentionChanged(
    userId: string,
    change: { roomId: string; messageId: string; position: number; mentioned: boolean },
  ): void {
    this.bus.publish('user', userId, { type: 'room.mention', ...change });
  }

  /** `userId` set their notification level of a room: their other devices follow. */
  notificationsChanged(userId: string, roomId: string, level: NotifyLevel): void {
    this.bus.publish('user', userId, { type: 'room.notifications', roomId, level });
  }

  /** `userId` is now in `room` (created, joined, invited, or a new DM). */
  roomAdded(userId: string, room: RoomSummary): void {
    this.bus.publish('user', userId, { type: 'room.added', room });
  }

  /**
   * `userId` is no longer in the room (left, or removed by a room admin: `removal` says who,
   * so the person can be told); their subscriptions to it end.
   */
  roomRemoved(userId: string, roomId: string, removal?: { by: UserRef; roomName: string }): void {
    this.bus.publish('user', userId, {
      type: 'room.removed',
      roomId,
      ...(removal && { removedBy: removal.by, roomName: removal.roomName }),
    });
    // Every node: what it checked of this membership (a read mark's member check) is void.
    this.bus.publish('auth', '*', { type: 'membership.ended', userId, roomId });
  }

  /**
   * A room admin renamed the room, set its topic, archived or unarchived it: its open views
   * get it on the room's activity, and its members' room lists through `live.userEvents`.
   */
  roomUpdated(room: RoomInfo, by: UserRef): void {
    this.bus.publish('activity', room.id, { type: 'room.updated', room, by });
  }

  /** `userId` is now an admin of the room, or a plain member (told to the room's members). */
  roleChanged(roomId: string, userId: string, role: MemberRole): void {
    this.bus.publish('activity', roomId, { type: 'member.role', userId, role });
  }

  /** `user` joined the room or was invited: its open views update members and presence. */
  memberJoined(roomId: string, user: UserRef, online: boolean): void {
    this.bus.publish('activity', roomId, { type: 'member.joined', user, online });
  }

  /** `userId` left the room or was removed from it. */
  memberLeft(roomId: string, userId: string): void {
    this.bus.publish('activity', roomId, { type: 'member.left', userId });
  }

  /** `userId` came online or went offline; told to every room they are in. */
  presenceChanged(userId: string, online: boolean, roomIds: Iterable<string>): void {
    for (const roomId of roomIds) {
      this.bus.publish('activity', roomId, { type: 'presence', userId, online });
    }
  }

  /** `user` started or stopped typing in a room. */
  typingChanged(roomId: string, user: UserRef, typing: boolean): void {
    this.bus.publish('activity', roomId, { type: 'typing', user, typing });
  }

  /**
   * `user` changed their display name: told to the user's own stream and to every room they are
   * in (room views, member lists, and the DM peers' sidebars through the rooms' activity).
   */
  userUpdated(user: UserRef, roomIds: Iterable<string>): void {
    this.bus.publish('user', user.id, { type: 'user.updated', user });
    for (const roomId of roomIds) {
      this.bus.publish('activity', roomId, { type: 'user.updated', user });
    }
  }

  /** A session was signed out: its sockets, on every node, close, with `reason` as the why. */
  sessionRevoked(sessionId: string, reason: RevokeReason = 'signed-out'): void {
    this.bus.publish('auth', '*', { type: 'session.revoked', sessionId, reason });
  }

  /** A bot token was revoked: its sockets, on every node, close. */
  tokenRevoked(tokenId: string, reason: RevokeReason = 'revoked'): void {
    this.bus.publish('auth', '*', { type: 'token.revoked', tokenId, reason });
  }
}
