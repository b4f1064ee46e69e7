/**
 * Every input the API accepts and every event it streams, as zod schemas. The server
 * validates with these same schemas; clients infer their types from them.
 */
import { z } from 'zod';
import { LIMITS, USERNAME_PATTERN } from './limits.js';

// C0 and C1 control characters (NUL included); message bodies keep newline and tab.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused.
const CONTROL_IN_BODY = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** Half of a UTF-16 pair on its own: not a character, and not valid UTF-8 once stored. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Every string input starts here, so that none can carry a control character (a NUL makes
 * PostgreSQL fail the whole statement) or broken UTF-16. `label` names the field in the error.
 * Multi-line text (message bodies) keeps newlines and tabs; CRLF becomes LF.
 */
export function text(label: string, options: { multiline?: boolean } = {}) {
  const control = options.multiline ? CONTROL_IN_BODY : CONTROL;
  return z
    .string()
    .overwrite((s) => (options.multiline ? s.replace(/\r\n?/g, '\n') : s))
    .refine((s) => !control.test(s) && !LONE_SURROGATE.test(s), {
      error: `${label} cannot contain control characters.`,
      abort: true,
    });
}

// Bidirectional controls: they reorder what follows on screen (“txt.exe” shown as “exe.txt”).
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;
// Something that shows: not whitespace, not a format or default-ignorable character (zero-width
// spaces, joiners, word joiner, BOM…), nor one of the blank fillers fonts draw as nothing.
const VISIBLE = /[^\s\p{Cf}\p{Default_Ignorable_Code_Point}\u2800\u115f\u1160\u3164\uffa0]/u;

/**
 * A name people see (display names, room names): NFKC-normalised (fullwidth “Ｂｏｂ” is
 * stored as “Bob”), without bidirectional controls, and with at least one visible character.
 * That no two public rooms look alike is the server's check (a confusable skeleton).
 */
export function nameText(label: string, kind: string, max: number) {
  return text(label)
    .overwrite((s) => s.normalize('NFKC'))
    .refine((s) => !BIDI_CONTROL.test(s), {
      error: `${label} cannot contain right-to-left or other direction controls.`,
      abort: true,
    })
    .trim()
    .min(1, { error: `${kind} cannot be empty.`, abort: true })
    .refine((s) => VISIBLE.test(s), {
      error: `${label} needs at least one visible character.`,
      abort: true,
    })
    .max(max, { error: `${kind} can have at most ${max} characters.` });
}

export const idSchema = text('An id').pipe(z.uuid({ error: 'must be a valid id' }));

export const usernameSchema = text('A username')
  .trim()
  .toLowerCase()
  .regex(USERNAME_PATTERN, {
    error: `Usernames are ${LIMITS.usernameMin}–${LIMITS.usernameMax} characters: letters, digits and _.`,
  });

export const passwordSchema = text('A password')
  .min(LIMITS.passwordMin, { error: `Passwords need at least ${LIMITS.passwordMin} characters.` })
  .max(LIMITS.passwordMax, {
    error: `Passwords can have at most ${LIMITS.passwordMax} characters.`,
  });

export const displayNameSchema = nameText('A display name', 'Display names', LIMITS.displayNameMax);

export const inviteCodeSchema = text('An invite code')
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, { error: 'That invite code is not valid.' });

export const messageBodySchema = text('A message', { multiline: true })
  .trim()
  .min(1, { error: 'A message cannot be empty.' })
  .max(LIMITS.bodyMax, { error: `A message can have at most ${LIMITS.bodyMax} characters.` });

const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Emoji_Presentation}/u;
/** Keycaps (1️⃣, #️⃣) and flags (🇫🇷): emoji without a pictographic code point. */
const KEYCAP_OR_FLAG = /^(?:[0-9#*]\uFE0F?\u20E3|\p{Regional_Indicator}{2})$/u;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** One emoji: a single grapheme (ZWJ sequences, skin tones and flags included), not text. */
export const emojiSchema = text('An emoji')
  .min(1, { error: 'Choose an emoji.', abort: true })
  .max(64, { error: 'That is not one emoji.', abort: true })
  .refine(
    (s) =>
      [...graphemes.segment(s)].length === 1 && (PICTOGRAPHIC.test(s) || KEYCAP_OR_FLAG.test(s)),
    { error: 'A reaction must be one emoji.' },
  );

export const clientIdSchema = text('clientId')
  .regex(/^[A-Za-z0-9_-]+$/, { error: 'clientId may hold letters, digits, - and _ only.' })
  .min(1)
  .max(LIMITS.clientIdMax);

/** A position in a room's event log, as tRPC's `lastEventId` (a string of digits). */
export const eventIdSchema = text('lastEventId').regex(/^\d{1,15}$/, {
  error: 'lastEventId must be a room position (digits).',
});

export const roomVisibilitySchema = z.enum(['public', 'private']);
export const roomKindSchema = z.enum(['public', 'private', 'direct']);
export const memberRoleSchema = z.enum(['admin', 'member']);
/** The workspace role: its first account is the owner. */
export const workspaceRoleSchema = z.enum(['owner', 'member']);
/**
 * A member's desktop notifications for a room: every message, mentions of them (and every
 * message of a direct room), or none.
 */
export const notifyLevelSchema = z.enum(['all', 'mentions', 'none']);

// ---- inputs ----

export const authInputs = {
  signUp: z.object({
    username: usernameSchema,
    password: passwordSchema,
    displayName: displayNameSchema.optional(),
    /** The invite code (the part after `invite=` of an invite link), when sign-up needs one. */
    invite: inviteCodeSchema.optional(),
  }),
  signIn: z.object({
    username: text('A username').trim().toLowerCase().min(1).max(LIMITS.usernameMax),
    password: text('A password').min(1).max(LIMITS.passwordMax),
  }),
  updateProfile: z.object({ displayName: displayNameSchema }),
  changePassword: z.object({
    currentPassword: text('A password').min(1).max(LIMITS.passwordMax),
    newPassword: passwordSchema,
  }),
  revokeSession: z.object({ sessionId: idSchema }),
};

export const roomNameSchema = nameText('A room name', 'Room names', LIMITS.roomNameMax);

/** A room's topic; empty clears it. */
export const roomTopicSchema = text('A topic')
  .overwrite((s) => s.normalize('NFKC'))
  .refine((s) => !BIDI_CONTROL.test(s), {
    error: 'A topic cannot contain right-to-left or other direction controls.',
    abort: true,
  })
  .trim()
  .max(LIMITS.roomTopicMax, {
    error: `A topic can have at most ${LIMITS.roomTopicMax} characters.`,
  });

export const roomInputs = {
  create: z.object({ name: roomNameSchema, visibility: roomVisibilitySchema }),
  /** Only what is given changes. */
  update: z.object({
    roomId: idSchema,
    name: roomNameSchema.optional(),
    topic: roomTopicSchema.optional(),
  }),
  setRole: z.object({ roomId: idSchema, userId: idSchema, role: memberRoleSchema }),
  browse: z
    .object({ search: text('A search').trim().max(LIMITS.roomNameMax).optional() })
    .optional(),
  byId: z.object({ roomId: idSchema }),
  invite: z.object({ roomId: idSchema, username: usernameSchema }),
  kick: z.object({ roomId: idSchema, username: usernameSchema }),
  openDirect: z.object({ username: usernameSchema }),
  markRead: z.object({ roomId: idSchema, position: z.number().int().min(0) }),
  setNotifications: z.object({ roomId: idSchema, level: notifyLevelSchema }),
};

export const messageInputs = {
  send: z.object({
    roomId: idSchema,
    body: messageBodySchema,
    clientId: clientIdSchema,
    replyToId: idSchema.optional(),
    /**
     * A reply in this message's thread: a message of the same room, not itself a thread reply,
     * not deleted. Thread replies are room events like any message, but not in `history`.
     */
    threadId: idSchema.optional(),
  }),
  edit: z.object({ messageId: idSchema, body: messageBodySchema }),
  delete: z.object({ messageId: idSchema }),
  history: z.object({
    roomId: idSchema,
    /** Messages before this position (the previous page's `nextCursor`). */
    before: z.number().int().positive().optional(),
    /** The same as `before`, under the name tRPC's infinite queries use. */
    cursor: z.number().int().positive().nullish(),
    limit: z.number().int().min(1).max(LIMITS.historyPageMax).default(50),
    /**
     * Instead of `before`: the messages just after this position (the newer page, e.g. from
     * `messages.around`'s `newerCursor`); `nextCursor` is then the next `after`.
     */
    after: z.number().int().min(0).optional(),
  }),
  search: z.object({
    query: text('A search')
      .trim()
      .min(1, { error: 'A search cannot be empty.' })
      .max(LIMITS.searchQueryMax, {
        error: `A search can have at most ${LIMITS.searchQueryMax} characters.`,
      }),
    /** Only this room (the caller must be a member); otherwise every room the caller is in. */
    roomId: idSchema.optional(),
    /** The previous page's `nextCursor`. */
    cursor: idSchema.nullish(),
    limit: z.number().int().min(1).max(LIMITS.searchPageMax).default(20),
  }),
  react: z.object({ messageId: idSchema, emoji: emojiSchema }),
  unreact: z.object({ messageId: idSchema, emoji: emojiSchema }),
  thread: z.object({
    /** The thread's root (a reply's id opens its root's thread). */
    messageId: idSchema,
    /** Replies after this position (the previous page's `nextCursor`). */
    cursor: z.number().int().positive().nullish(),
    limit: z.number().int().min(1).max(LIMITS.historyPageMax).default(50),
  }),
  around: z.object({
    messageId: idSchema,
    /** Messages in the page, the message included (about half before it, half after). */
    limit: z.number().int().min(1).max(LIMITS.historyPageMax).default(50),
  }),
  mentions: z
    .object({
      /** The previous page's `nextCursor`. */
      cursor: idSchema.nullish(),
      limit: z.number().int().min(1).max(LIMITS.mentionPageMax).default(20),
    })
    .optional(),
};

export const liveInputs = {
  roomEvents: z.object({ roomId: idSchema, lastEventId: eventIdSchema.nullish() }),
  typing: z.object({ roomId: idSchema }),
  roomActivity: z.object({ roomId: idSchema }),
};

export const tokenInputs = {
  create: z.object({
    name: text('A token name').trim().min(1).max(LIMITS.tokenNameMax),
  }),
  revoke: z.object({ tokenId: idSchema }),
};

export const signUpModeSchema = z.enum(['open', 'invite', 'closed']);

/**
 * Why the server closed a socket with 4401 (its close reason): `signed-out` (that session signed
 * out, here or from another device), `password-changed`, `deactivated` (by the workspace owner),
 * `revoked` (a bot token revoked).
 */
export const revokeReasonSchema = z.enum([
  'signed-out',
  'password-changed',
  'deactivated',
  'revoked',
]);

export const adminInputs = {
  updateSettings: z.object({ signUp: signUpModeSchema }),
  createInvite: z.object({
    expiresInHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .optional(),
    maxUses: z.number().int().min(1).max(10_000).optional(),
  }),
  revokeInvite: z.object({ inviteId: idSchema }),
  users: z
    .object({
      search: text('A search').trim().max(LIMITS.displayNameMax).optional(),
      /** The last username of the previous page (its `nextCursor`). */
      cursor: text('A cursor').max(LIMITS.usernameMax).optional(),
    })
    .optional(),
  byUser: z.object({ userId: idSchema }),
};

// ---- outputs that travel as events ----

export const userRefSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
});

/** A root message's thread, as its view carries it. */
export const threadSummarySchema = z.object({
  /** Replies, deleted ones included (the thread lists them as deleted). */
  replyCount: z.number(),
  lastReplyAt: z.string(),
  /** The latest few distinct repliers' user ids, latest first (LIMITS.threadParticipantsShown). */
  participants: z.array(z.string()),
});

export const messageViewSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  position: z.number(),
  clientId: z.string(),
  /** Empty once deleted. */
  body: z.string(),
  author: userRefSchema,
  replyTo: z
    .object({ id: z.string(), author: userRefSchema, body: z.string(), deleted: z.boolean() })
    .nullable(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  deletedAt: z.string().nullable(),
  /** Set on a reply in a thread: the thread's root message. */
  threadId: z.string().nullable(),
  /** Set on a root message once it has replies. */
  thread: threadSummarySchema.nullable(),
  /**
   * Reactions, most used first. `me`: whether the caller reacted so; in room events (shared
   * by every subscriber) it is always false, and clients keep their own (see docs/api.md).
   */
  reactions: z.array(
    z.object({
      emoji: z.string(),
      count: z.number(),
      me: z.boolean(),
      /** The first few who reacted so (LIMITS.reactionUsersShown), for a tooltip. */
      users: z.array(userRefSchema),
    }),
  ),
  /** Ids of the room's members the body names with `@username` (never its author). */
  mentions: z.array(z.string()),
});

/** Who added or removed which emoji, in a reaction event. */
export const reactionChangeSchema = z.object({ emoji: z.string(), userId: z.string() });

export const roomEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message.created'),
    position: z.number(),
    message: messageViewSchema,
    /**
     * For a thread reply (`message.threadId` set): the root's summary with this reply counted,
     * to set on the root (a whole value, so applying it again, or a newer one, is safe).
     */
    rootThread: threadSummarySchema.optional(),
  }),
  z.object({ type: z.literal('message.edited'), position: z.number(), message: messageViewSchema }),
  z.object({
    type: z.literal('message.deleted'),
    position: z.number(),
    message: messageViewSchema,
  }),
  z.object({
    type: z.literal('reaction.added'),
    position: z.number(),
    message: messageViewSchema,
    reaction: reactionChangeSchema,
  }),
  z.object({
    type: z.literal('reaction.removed'),
    position: z.number(),
    message: messageViewSchema,
    reaction: reactionChangeSchema,
  }),
]);

/** What room admins can change about a room (rooms.update, rooms.archive). */
export const roomInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  topic: z.string(),
  /** When it was archived (read-only from then on); null while it is open. */
  archivedAt: z.string().nullable(),
});

export const activityEventSchema = z.discriminatedUnion('type', [
  /** Sent first: who of the room's members is online now. */
  z.object({
    type: z.literal('presence.snapshot'),
    online: z.array(z.string()),
    /** Who is typing right now (those this server has heard from). */
    typing: z.array(userRefSchema),
  }),
  z.object({ type: z.literal('presence'), userId: z.string(), online: z.boolean() }),
  z.object({ type: z.literal('typing'), user: userRefSchema, typing: z.boolean() }),
  /** Someone joined or was invited (`online`: whether they are online now). */
  z.object({ type: z.literal('member.joined'), user: userRefSchema, online: z.boolean() }),
  /** Someone left or was removed. */
  z.object({ type: z.literal('member.left'), userId: z.string() }),
  /** A member changed their display name. */
  z.object({ type: z.literal('user.updated'), user: userRefSchema }),
  /** A room admin renamed the room, set its topic, archived or unarchived it. */
  z.object({ type: z.literal('room.updated'), room: roomInfoSchema, by: userRefSchema }),
  /** A member was made an admin, or a plain member again. */
  z.object({ type: z.literal('member.role'), userId: z.string(), role: memberRoleSchema }),
]);

/** A message as the room list shows it: its author, the start of its body. */
export const messagePreviewSchema = z.object({
  author: userRefSchema,
  /** At most `LIMITS.lastMessageExcerpt` characters. */
  body: z.string(),
  createdAt: z.string(),
  /** The message's position in its room. */
  position: z.number(),
});

export const roomSummarySchema = z.object({
  id: z.string(),
  kind: roomKindSchema,
  /** For a direct room: the other person's display name. */
  name: z.string(),
  /** The caller's role in the room. */
  role: memberRoleSchema,
  /** Empty when none is set (always for a direct room). */
  topic: z.string(),
  /** Archived rooms are read-only; null while open. */
  archivedAt: z.string().nullable(),
  lastPosition: z.number(),
  lastReadPosition: z.number(),
  unread: z.number(),
  /** Messages past my read mark that mention me. */
  mentionCount: z.number(),
  /** My desktop notifications for this room (rooms.setNotifications). */
  notifications: notifyLevelSchema,
  memberCount: z.number(),
  /** For a direct room: the other person. */
  peer: userRefSchema.extend({ online: z.boolean() }).nullable(),
  lastMessage: messagePreviewSchema.nullable(),
});

export const userEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('room.added'), room: roomSummarySchema }),
  z.object({
    type: z.literal('room.removed'),
    roomId: z.string(),
    /** Set when a room admin removed me (not when I left): who, and the room's name then. */
    removedBy: userRefSchema.optional(),
    roomName: z.string().optional(),
  }),
  /** A room of mine was renamed, got a topic, was archived or unarchived. */
  z.object({ type: z.literal('room.updated'), room: roomInfoSchema }),
  /** My role in a room changed. */
  z.object({ type: z.literal('room.role'), roomId: z.string(), role: memberRoleSchema }),
  /** A room of mine moved on: its unread count may have changed. */
  z.object({
    type: z.literal('room.activity'),
    roomId: z.string(),
    /** The room's newest event position. */
    lastPosition: z.number(),
    authorId: z.string(),
    /**
     * What happened to which message, so that the room list is patched without asking again:
     * a new message is the room's preview and (from someone else, past my read mark) one more
     * unread; an edit changes the preview if it is that message; a deletion takes one unread
     * away (and, if it was the preview, the list asks again); a reaction only moves the room on.
     */
    change: z.enum(['created', 'edited', 'deleted', 'reacted']),
    message: messagePreviewSchema,
    /**
     * Set for a reply in a thread: never the preview nor counted unread, so whatever the change
     * it only moves the room on (a new one that mentions me is still one more `mentionCount`).
     */
    inThread: z.literal(true).optional(),
    /**
     * Who the message mentions (user ids). A new message that mentions me, past my read mark,
     * is one more `mentionCount`; an edit or deletion that changes who is mentioned sends
     * `room.mention` to those concerned instead.
     */
    mentions: z.array(z.string()),
  }),
  /**
   * An edit or deletion mentions me now (`mentioned`) or no longer: past my read mark, one
   * more or one fewer `mentionCount`.
   */
  z.object({
    type: z.literal('room.mention'),
    roomId: z.string(),
    messageId: z.string(),
    position: z.number(),
    mentioned: z.boolean(),
  }),
  /** My notification level of a room changed (here or on another device). */
  z.object({ type: z.literal('room.notifications'), roomId: z.string(), level: notifyLevelSchema }),
  /** The other person of one of my direct rooms went online or offline. */
  z.object({ type: z.literal('presence'), userId: z.string(), online: z.boolean() }),
  /** I, or the other person of one of my direct rooms, changed display name. */
  z.object({ type: z.literal('user.updated'), user: userRefSchema }),
]);

export type UserRef = z.infer<typeof userRefSchema>;
export type MessageView = z.infer<typeof messageViewSchema>;
export type ThreadSummary = z.infer<typeof threadSummarySchema>;
export type RoomEvent = z.infer<typeof roomEventSchema>;
export type ActivityEvent = z.infer<typeof activityEventSchema>;
export type RoomSummary = z.infer<typeof roomSummarySchema>;
export type MessagePreview = z.infer<typeof messagePreviewSchema>;
export type RoomInfo = z.infer<typeof roomInfoSchema>;
export type MemberRole = z.infer<typeof memberRoleSchema>;
export type UserEvent = z.infer<typeof userEventSchema>;
export type NotifyLevel = z.infer<typeof notifyLevelSchema>;
export type WorkspaceRole = z.infer<typeof workspaceRoleSchema>;
export type SignUpMode = z.infer<typeof signUpModeSchema>;
export type RevokeReason = z.infer<typeof revokeReasonSchema>;
