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
