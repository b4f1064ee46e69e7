/** Limits shared by the database's CHECKs, the server's validation and the clients' forms. */
export const LIMITS = {
  usernameMin: 3,
  usernameMax: 32,
  displayNameMax: 64,
  passwordMin: 8,
  passwordMax: 256,
  roomNameMax: 80,
  roomTopicMax: 250,
  bodyMax: 4000,
  clientIdMax: 64,
  tokenNameMax: 64,
  historyPageMax: 100,
  /** `messages.search`: the query's length, and results in one page. */
  searchQueryMax: 200,
  searchPageMax: 50,
  /** `messages.mentions`: results in one page. */
  mentionPageMax: 50,
  /** Different emoji on one message (`messages.react`). */
  reactionsPerMessage: 20,
  /** Names listed per reaction in a message view (`users`, for the tooltip). */
  reactionUsersShown: 3,
  /** User ids in a thread's summary (`thread.participants`): its latest distinct repliers. */
  threadParticipantsShown: 5,
  /** Every list the API returns is bounded: */
  roomListMax: 500,
  memberListMax: 1000,
  tokenListMax: 100,
  sessionListMax: 100,
  inviteListMax: 100,
  userPageMax: 50,
  browseMax: 100,
  /** Characters of a room's last message in `rooms.list` (a preview). */
  lastMessageExcerpt: 200,
  /** Calls in one HTTP batch request (the server's default; clients batch at most this many). */
  batchMax: 10,
} as const;

export const USERNAME_PATTERN = /^[a-z0-9_]{3,32}$/;

/**
 * `@username` in a message body, outside code (`inline` and fenced): not after a letter, digit,
 * `_` or `@` (so not an e-mail address), and not followed by another username character.
 */
const MENTION = /(?<![\p{L}\p{N}_@])@([A-Za-z0-9_]{3,32})(?![A-Za-z0-9_])/gu;
const CODE = /```[\s\S]*?```|`[^`\n]*`/g;

/**
 * The usernames a body names with `@` (lower-case, each once, in order). A name is a mention
 * only if that person is a member of the room (the server decides, on send and edit); the web
 * uses the same rule to find what to highlight.
 */
export function mentionedNames(body: string): string[] {
  const names = new Set<string>();
  for (const match of body.replace(CODE, ' ').matchAll(MENTION)) {
    if (match[1]) names.add(match[1].toLowerCase());
  }
  return [...names];
}

/**
 * The close code the server uses when the credentials behind a socket were revoked. Here, not in
 * schemas.ts, so the web app's first download needs no zod for it.
 */
export const CLOSE_REVOKED = 4401;
