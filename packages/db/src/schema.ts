import { LIMITS } from '@parley/api-contract/limits';
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const ROOM_KINDS = ['public', 'private', 'direct'] as const;
export const MEMBER_ROLES = ['admin', 'member'] as const;
export const EVENT_TYPES = [
  'message.created',
  'message.edited',
  'message.deleted',
  'reaction.added',
  'reaction.removed',
] as const;
export const WORKSPACE_ROLES = ['owner', 'member'] as const;
export const SIGN_UP_MODES = ['open', 'invite', 'closed'] as const;
/** Which messages of a room notify a member: every one, mentions of them (and DMs), none. */
export const NOTIFY_LEVELS = ['all', 'mentions', 'none'] as const;

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Stored lower-case, so the unique constraint is case-insensitive by construction.
    username: text('username').notNull(),
    // nameKey(username) (names.ts): display names that look like someone else's username are
    // refused. Null only until the backfill after migrating has run (migrate.ts).
    usernameKey: text('username_key'),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash'),
    // The first account of a fresh database is the workspace owner (auth/service.ts).
    role: text('role', { enum: WORKSPACE_ROLES }).notNull().default('member'),
    // Deactivated by the owner: cannot sign in, every session and token revoked.
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('users_username_key').on(t.username),
    index('users_username_key_idx').on(t.usernameKey),
    check('users_role', sql`${t.role} in ('owner', 'member')`),
    // One owner: two first sign-ups racing cannot both become it.
    uniqueIndex('users_one_owner_key').on(t.role).where(sql`${t.role} = 'owner'`),
    check('users_username_format', sql`${t.username} ~ '^[a-z0-9_]{3,32}$'`),
    check(
      'users_display_name_length',
      sql`char_length(${t.displayName}) between 1 and ${sql.raw(String(LIMITS.displayNameMax))}`,
    ),
  ],
);

/** Sign-in sessions. A signed token carries the id; revoking the row kills the token. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    // What `auth.sessions` shows, so a person can tell their devices apart.
    userAgent: text('user_agent'),
    address: text('address'),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** The workspace's settings: one row (id 1), created on first read. */
export const workspaceSettings = pgTable(
  'workspace_settings',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().default(1),
    signUp: text('sign_up', { enum: SIGN_UP_MODES }).notNull().default('open'),
  },
  (t) => [
    check('workspace_settings_single', sql`${t.id} = 1`),
    check('workspace_settings_sign_up', sql`${t.signUp} in ('open', 'invite', 'closed')`),
  ],
);

/** Sign-up invites. Only a SHA-256 of the (high-entropy) code is stored. */
export const invites = pgTable(
  'invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    codeHash: text('code_hash').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    maxUses: bigint('max_uses', { mode: 'number' }),
    uses: bigint('uses', { mode: 'number' }).notNull().default(0),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('invites_code_hash_key').on(t.codeHash),
    check('invites_uses', sql`${t.uses} >= 0 and (${t.maxUses} is null or ${t.maxUses} > 0)`),
  ],
);

/** Long-lived bot tokens. Only a SHA-256 of the (high-entropy) secret is stored. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('api_tokens_secret_hash_key').on(t.secretHash),
    index('api_tokens_user_idx').on(t.userId),
    check(
      'api_tokens_name_length',
      sql`char_length(${t.name}) between 1 and ${sql.raw(String(LIMITS.tokenNameMax))}`,
    ),
  ],
);

export const rooms = pgTable(
  'rooms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ROOM_KINDS }).notNull(),
    name: text('name'),
    // nameKey(name) (names.ts): public rooms are unique on it, so no two look alike. Null for
    // direct rooms, and until the backfill after migrating has run (migrate.ts).
    nameKey: text('name_key'),
    topic: text('topic').notNull().default(''),
    // Archived rooms are read-only: sends, edits and deletes are refused.
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    // For direct rooms: the two user ids, sorted and joined, so a pair has one DM.
    directKey: text('direct_key'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    // The per-room event counter. Incremented in the writing transaction, so the row lock
    // makes positions strictly increasing in commit order and gap-free.
    lastPosition: bigint('last_position', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    uniqueIndex('rooms_direct_key_key').on(t.directKey),
    uniqueIndex('rooms_public_name_key').on(sql`lower(${t.name})`).where(sql`${t.kind} = 'public'`),
    uniqueIndex('rooms_public_name_skeleton_key').on(t.nameKey).where(sql`${t.kind} = 'public'`),
    check('rooms_kind', sql`${t.kind} in ('public', 'private', 'direct')`),
    check(
      'rooms_name_by_kind',
      sql`(${t.kind} = 'direct' and ${t.name} is null and ${t.directKey} is not null)
        or (${t.kind} <> 'direct' and ${t.directKey} is null
            and char_length(${t.name}) between 1 and ${sql.raw(String(LIMITS.roomNameMax))})`,
    ),
    check('rooms_last_position', sql`${t.lastPosition} >= 0`),
    check(
      'rooms_topic_length',
      sql`char_length(${t.topic}) <= ${sql.raw(String(LIMITS.roomTopicMax))}`,
    ),
  ],
);

export const memberships = pgTable(
  'memberships',
  {
    roomId: uuid('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: MEMBER_ROLES }).notNull().default('member'),
    lastReadPosition: bigint('last_read_position', { mode: 'number' }).notNull().default(0),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
    // The member's desktop notifications for this room (rooms.setNotifications).
    notify: text('notify', { enum: NOTIFY_LEVELS }).notNull().default('mentions'),
  },
  (t) => [
    primaryKey({ columns: [t.roomId, t.userId] }),
    // "The rooms of a user".
    index('memberships_user_idx').on(t.userId),
    check('memberships_role', sql`${t.role} in ('admin', 'member')`),
    check('memberships_notify', sql`${t.notify} in ('all', 'mentions', 'none')`),
    check('memberships_last_read', sql`${t.lastReadPosition} >= 0`),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    roomId: uuid('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    // Users are never hard-deleted while they have messages: history must stay attributable.
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    // Position of the message's creation event in its room.
    position: bigint('position', { mode: 'number' }).notNull(),
    clientId: text('client_id').notNull(),
    body: text('body').notNull(),
    replyToId: uuid('reply_to_id'),
    // A reply in the thread of this root message (of the same room, itself not a reply in a
    // thread). Thread replies stay in the room's event log but not in its main history.
    threadId: uuid('thread_id'),
    createdAt: createdAt(),
    editedAt: timestamp('edited_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    // Keyset pagination (room, position desc) and unread counts both use this index.
    uniqueIndex('messages_room_position_key').on(t.roomId, t.position),
    // Idempotent sends: a retry with the same clientId finds the first message.
    uniqueIndex('messages_author_client_key').on(t.authorId, t.clientId),
    // Full-text search (messages.search): an expression index, so the query must spell the
    // expression the same way (messages/search.ts, `searchVector`). Deleted bodies are ''.
    index('messages_search_idx').using('gin', sql`to_tsvector('english', ${t.body})`),
    foreignKey({
      name: 'messages_reply_to_fk',
      columns: [t.replyToId],
      foreignColumns: [t.id],
    }).onDelete('set null'),
    foreignKey({
      name: 'messages_thread_fk',
      columns: [t.threadId],
      foreignColumns: [t.id],
    }).onDelete('cascade'),
    // A thread's replies in order (messages.thread); only replies are in it.
    index('messages_thread_idx').on(t.threadId, t.position).where(sql`${t.threadId} is not null`),
    check(
      'messages_body_length',
      sql`(${t.deletedAt} is not null and ${t.body} = '')
        or char_length(${t.body}) between 1 and ${sql.raw(String(LIMITS.bodyMax))}`,
    ),
    check(
      'messages_client_id_length',
      sql`char_length(${t.clientId}) between 1 and ${sql.raw(String(LIMITS.clientIdMax))}`,
    ),
    check('messages_position', sql`${t.position} > 0`),
  ],
);

/**
 * The ordered log of everything that happened in a room. Subscribers resume from a position
 * in this log ("events after N in room R"), so edits and deletes are not missed either.
 */
export const roomEvents = pgTable(
  'room_events',
  {
    roomId: uuid('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    position: bigint('position', { mode: 'number' }).notNull(),
    type: text('type', { enum: EVENT_TYPES }).notNull(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    // reaction.added / reaction.removed: who, and which emoji (null for message events).
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'cascade' }),
    emoji: text('emoji'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.roomId, t.position] }),
    index('room_events_message_idx').on(t.messageId),
    check(
      'room_events_type',
      sql`${t.type} in ('message.created', 'message.edited', 'message.deleted', 'reaction.added', 'reaction.removed')`,
    ),
    check(
      'room_events_reaction',
      sql`(${t.type} like 'reaction.%') = (${t.actorId} is not null and ${t.emoji} is not null)`,
    ),
    check('room_events_position', sql`${t.position} > 0`),
  ],
);

/** One person's emoji on one message: the key makes reacting twice one reaction. */
export const reactions = pgTable(
  'reactions',
  {
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    emoji: text('emoji').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.emoji, t.userId] }),
    check('reactions_emoji_length', sql`char_length(${t.emoji}) between 1 and 64`),
  ],
);

/**
 * `@username` of a member of the room in a message's body (not its author). Written with the
 * message (appendMessages) and rewritten on edit; a deleted message has none. `room_id` and
 * `position` are the message's, copied so that unread mentions (past a read mark) and the
 * mentions of a person are index range scans without touching `messages`.
 */
export const mentions = pgTable(
  'mentions',
  {
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    roomId: uuid('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    position: bigint('position', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.userId] }),
    // mentionCount in rooms.list: my mentions in a room past my read mark.
    index('mentions_user_room_position_idx').on(t.userId, t.roomId, t.position),
    // messages.mentions: mine, newest first (keyset on (created_at, message_id)).
    index('mentions_user_created_idx').on(t.userId, t.createdAt.desc(), t.messageId.desc()),
  ],
);

/**
 * A thread's summary, kept beside its root by the send statement (append-messages.ts) rather
 * than counted on every read: one upsert per batch that has replies, and no write to the root
 * message's row. Replies that were later deleted still count, as the thread still lists them
 * (as deleted).
 */
export const messageThreads = pgTable(
  'message_threads',
  {
    rootId: uuid('root_id')
      .primaryKey()
      .references(() => messages.id, { onDelete: 'cascade' }),
    replyCount: bigint('reply_count', { mode: 'number' }).notNull(),
    lastReplyAt: timestamp('last_reply_at', { withTimezone: true }).notNull(),
    /** The latest few distinct authors of replies, latest first (LIMITS.threadParticipantsShown). */
    participants: uuid('participants').array().notNull(),
  },
  (t) => [check('message_threads_reply_count', sql`${t.replyCount} > 0`)],
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
export type WorkspaceRole = User['role'];
export type SignUpMode = typeof workspaceSettings.$inferSelect.signUp;
export type Invite = typeof invites.$inferSelect;
export type Room = typeof rooms.$inferSelect;
export type RoomKind = Room['kind'];
export type Membership = typeof memberships.$inferSelect;
export type MemberRole = Membership['role'];
export type NotifyLevel = Membership['notify'];
export type Message = typeof messages.$inferSelect;
export type MessageThread = typeof messageThreads.$inferSelect;
export type RoomEvent = typeof roomEvents.$inferSelect;
export type RoomEventType = RoomEvent['type'];
