/**
 * Authorization matrix (issue 3): every procedure of the router × every kind of caller gives
 * the documented result, over real HTTP and WebSocket against a real server and database.
 *
 * Callers:
 * - anonymous: no credentials;
 * - outsider: signed in, in none of the fixture rooms;
 * - member: a plain member of the rooms (one of the two people of the DM);
 * - admin: created the rooms, so their admin (in the DM: the other person, a plain member);
 * - bot: a bot token of the member, which acts as the member except for managing tokens;
 * - owner: the workspace owner (the first account), in none of the fixture rooms: for rooms it
 *   is one more outsider, and the only caller the `admin.*` procedures let in.
 *
 * The table is keyed by procedure path and checked against `appRouter._def.procedures`, so a
 * new procedure without a row fails this test.
 */
import { randomUUID } from 'node:crypto';
import type { TRPCUntypedClient } from '@trpc/client';
import type { AnyTRPCProcedure, AnyTRPCRouter } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSessionToken } from '../../src/auth/session-tokens.js';
import { sendMessage } from '../../src/messages/service.js';
import { createRoom, inviteToRoom } from '../../src/rooms/service.js';
import { setArchived } from '../../src/rooms/settings.js';
import { appRouter } from '../../src/router.js';
import {
  errorCode,
  errorMessage,
  failure,
  firstEmission,
  type HttpClient,
  httpClient,
  outcome,
  PASSWORD,
  type Server,
  type SignedUp,
  sessionToken,
  signUp,
  startServer,
  untypedHttpClient,
  type WsClient,
  wsClient,
} from '../support/security-harness.js';
import * as hostile from './hostile-support.js';

const CALLERS = ['anonymous', 'outsider', 'member', 'admin', 'bot', 'owner'] as const;
type Who = (typeof CALLERS)[number];
type Person = Exclude<Who, 'anonymous' | 'bot'>;
type RoomKey = 'pub' | 'priv' | 'dm';
type Expected = Record<Who, string>;

interface Scenario {
  name: string;
  /** The input for one call by `who` (may prepare fresh state for it). */
  input: (who: Who) => unknown;
  expect: Expected;
  /** Credentials to use instead of the caller's own (e.g. a session signOut may end). */
  token?: (who: Who) => Promise<string | null>;
  /** Subscriptions that only speak when something happens: makes something happen. */
  poke?: (who: Who) => Promise<unknown>;
}

/**
 * Expected outcomes in CALLERS order: anonymous, outsider, member, admin, bot, owner. The owner
 * is in none of the fixture rooms, so unless said otherwise it gets what the outsider gets.
 */
function row(
  anonymous: string,
  outsider: string,
  member: string,
  admin: string,
  bot: string,
  owner = outsider,
): Expected {
  return { anonymous, outsider, member, admin, bot, owner };
}

const U = 'UNAUTHORIZED';
const F = 'FORBIDDEN';
const NF = 'NOT_FOUND';
const BR = 'BAD_REQUEST';
/** The workspace owner's procedures: a bot token of the owner's would be refused too. */
const ownerOnly = row(U, F, F, F, F, 'ok');
const allSignedIn = (result: string) => row(U, result, result, result, result);
/** A read or post in an existing room: only its members; outsiders learn nothing. */
const membersOnly: Record<RoomKey | 'missing', Expected> = {
  pub: row(U, F, 'ok', 'ok', 'ok'),
  priv: row(U, NF, 'ok', 'ok', 'ok'),
  dm: row(U, NF, 'ok', 'ok', 'ok'),
  missing: row(U, NF, NF, NF, NF),
};

// ---- fixture, built in beforeAll ----

let server: Server;
let people: Record<Person, SignedUp>;
let tokens: Record<Who, string | null>;
let http: Record<Who, TRPCUntypedClient<AnyTRPCRouter>>;
let typed: Record<Person, HttpClient>;
let ws: Record<Who, WsClient>;
const rooms = {} as Record<RoomKey, string>;
let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}`;

/** The user a caller acts as (the bot acts as the member). */
function userOf(who: Who): SignedUp | null {
  if (who === 'anonymous') return null;
  return people[who === 'bot' ? 'member' : who];
}

/** A new room of the admin's with the member in it. */
async function freshRoom(kind: 'public' | 'private'): Promise<string> {
  const room = await typed.admin.rooms.create.mutate({ name: unique('room '), visibility: kind });
  if (kind === 'public') await typed.member.rooms.join.mutate({ roomId: room.id });
  else await typed.admin.rooms.invite.mutate({ roomId: room.id, username: people.member.username });
  return room.id;
}

/**
 * A new room of the admin's with the member in it, made through the services: the room
 * settings rows need many, and must not spend the membership rate limit the rows above test.
 */
async function seededRoom(kind: 'public' | 'private'): Promise<string> {
  const created = await createRoom(server.app.deps, people.admin.id, {
    name: unique('seeded '),
    visibility: kind,
  });
  if (!created.ok) throw new Error(`seeding failed: ${created.message}`);
  const invited = await inviteToRoom(server.app.deps, people.admin.id, {
    roomId: created.value.id,
    username: people.member.username,
  });
  if (!invited.ok) throw new Error(`seeding failed: ${invited.message}`);
  return created.value.id;
}

/** Seeds a message through the service (fixtures must not spend the send rate limit). */
async function seedMessage(author: Person, roomId: string): Promise<string> {
  const result = await sendMessage(server.app.deps, people[author].id, {
    roomId,
    body: `seed ${unique('')}`,
    clientId: unique('seed-'),
  });
  if (!result.ok) throw new Error(`seeding failed: ${result.message}`);
  return result.value.id;
}

/** A fresh room for each call, of a kind, or one of the shared fixture rooms. */
const roomIn =
  (key: RoomKey, fresh = false) =>
  async () =>
    fresh && key !== 'dm' ? freshRoom(key === 'pub' ? 'public' : 'private') : rooms[key];

/** Standard scenarios for `{ roomId }` procedures. */
function perRoom(extra: (roomId: string) => Record<string, unknown> = () => ({}), fresh = false) {
  return (['pub', 'priv', 'dm', 'missing'] as const).map(
    (key): Scenario => ({
      name: key === 'missing' ? 'a room that does not exist' : `${key} room`,
      input: async () => {
        const roomId = key === 'missing' ? randomUUID() : await roomIn(key, fresh)();
        return { roomId, ...extra(roomId) };
      },
      expect: membersOnly[key],
    }),
  );
}

const messageIds: Partial<Record<RoomKey, string>> = {};

const matrix: Record<string, Scenario[]> = {
  'auth.signUp': [
    {
      name: 'a new username',
      input: (who) => ({ username: unique(`new_${who}_`), password: PASSWORD }),
      expect: row('ok', 'ok', 'ok', 'ok', 'ok'),
    },
  ],
  'auth.signIn': [
    {
      name: 'right password',
      input: () => ({ username: people.member.username, password: PASSWORD }),
      expect: row('ok', 'ok', 'ok', 'ok', 'ok'),
    },
    {
      name: 'wrong password',
      input: () => ({ username: people.admin.username, password: 'not the password' }),
      expect: row(U, U, U, U, U),
    },
  ],
  'auth.signOut': [
    {
      name: 'ends its own session',
      // A session of its own for each call, so the caller's main session lives on.
      token: async (who) => {
        const user = userOf(who);
        if (!user || who === 'bot') return tokens[who];
        return (await sessionToken(server.db, user.id)).token;
      },
      input: () => undefined,
      expect: allSignedIn('ok'),
    },
  ],
  'auth.me': [
    { name: 'who am I', input: () => undefined, expect: row('ok', 'ok', 'ok', 'ok', 'ok') },
  ],
  'auth.updateProfile': [
    {
      name: 'my display name',
      input: (who) => ({ displayName: `Renamed ${who}` }),
      expect: row(U, 'ok', 'ok', 'ok', F),
    },
  ],
  'auth.changePassword': [
    {
      // To the same password, so the fixture's sign-ins keep working.
      name: 'with the right current password',
      input: () => ({ currentPassword: PASSWORD, newPassword: PASSWORD }),
      expect: row(U, 'ok', 'ok', 'ok', F),
    },
    {
      name: 'with a wrong current password',
      input: () => ({ currentPassword: 'not the password', newPassword: PASSWORD }),
      expect: row(U, BR, BR, BR, F),
    },
  ],
  'auth.sessions': [
    { name: 'my sessions', input: () => undefined, expect: row(U, 'ok', 'ok', 'ok', F) },
  ],
  'auth.revokeSession': [
    {
      name: 'another session of mine (fresh)',
      input: async (who) => {
        const user = userOf(who);
        return {
          sessionId: user ? (await sessionToken(server.db, user.id)).sessionId : randomUUID(),
        };
      },
      expect: row(U, 'ok', 'ok', 'ok', F),
    },
    {
      name: "the member's session (fresh)",
      input: async () => ({
        sessionId: (await sessionToken(server.db, people.member.id)).sessionId,
      }),
      expect: row(U, NF, 'ok', NF, F),
    },
  ],

  'rooms.create': [
    {
      name: 'a private room',
      input: () => ({ name: unique('created '), visibility: 'private' }),
      expect: allSignedIn('ok'),
    },
  ],
  'rooms.list': [{ name: 'my rooms', input: () => undefined, expect: allSignedIn('ok') }],
  'rooms.browse': [{ name: 'public rooms', input: () => ({}), expect: allSignedIn('ok') }],
  'rooms.join': [
    {
      name: 'a public room (fresh)',
      input: async () => ({ roomId: await freshRoom('public') }),
      expect: row(U, 'ok', 'ok', 'ok', 'ok'),
    },
    { name: 'private room', input: () => ({ roomId: rooms.priv }), expect: membersOnly.priv },
    { name: 'dm', input: () => ({ roomId: rooms.dm }), expect: membersOnly.dm },
    {
      name: 'a room that does not exist',
      input: () => ({ roomId: randomUUID() }),
      expect: membersOnly.missing,
    },
  ],
  'rooms.leave': [
    {
      name: 'public room (fresh)',
      input: async () => ({ roomId: await freshRoom('public') }),
      expect: membersOnly.pub,
    },
    {
      name: 'private room (fresh)',
      input: async () => ({ roomId: await freshRoom('private') }),
      expect: membersOnly.priv,
    },
    {
      name: 'a dm cannot be left',
      input: () => ({ roomId: rooms.dm }),
      expect: row(U, NF, BR, BR, BR),
    },
    {
      name: 'a room that does not exist',
      input: () => ({ roomId: randomUUID() }),
      expect: membersOnly.missing,
    },
  ],
  'rooms.invite': [
    {
      name: 'the outsider into a public room (fresh): any member',
      input: async () => ({
        roomId: await freshRoom('public'),
        username: people.outsider.username,
      }),
      expect: row(U, F, 'ok', 'ok', 'ok'),
    },
    {
      name: 'the outsider into a private room (fresh): admins only',
      input: async () => ({
        roomId: await freshRoom('private'),
        username: people.outsider.username,
      }),
      expect: row(U, NF, F, 'ok', F),
    },
    {
      name: 'the outsider into a dm',
      input: () => ({ roomId: rooms.dm, username: people.outsider.username }),
      expect: row(U, NF, BR, BR, BR),
    },
    {
      name: 'a room that does not exist',
      input: () => ({ roomId: randomUUID(), username: people.outsider.username }),
      expect: membersOnly.missing,
    },
  ],
  'rooms.kick': [
    {
      name: 'the member out of a private room (fresh): admins only',
      input: async () => ({ roomId: await freshRoom('private'), username: people.member.username }),
      expect: row(U, NF, F, 'ok', F),
    },
    {
      name: 'the member out of a public room (fresh): admins only',
      input: async () => ({ roomId: await freshRoom('public'), username: people.member.username }),
      expect: row(U, F, F, 'ok', F),
    },
    {
      name: 'anyone out of a dm',
      input: () => ({ roomId: rooms.dm, username: people.admin.username }),
      expect: row(U, NF, BR, BR, BR),
    },
    {
      name: 'a room that does not exist',
      input: () => ({ roomId: randomUUID(), username: people.member.username }),
      expect: membersOnly.missing,
    },
  ],
  'rooms.openDirect': [
    {
      name: 'with the admin',
      input: () => ({ username: people.admin.username }),
      expect: row(U, 'ok', 'ok', BR, 'ok'),
    },
    {
      name: 'with no one',
      input: () => ({ username: 'nobody_by_that_name' }),
      expect: row(U, NF, NF, NF, NF),
    },
  ],
  'rooms.members': perRoom(),
  'rooms.markRead': perRoom(() => ({ position: 1 })),
  'rooms.setNotifications': perRoom(() => ({ level: 'all' })),
  'rooms.update': [
    ...(['priv', 'pub'] as const).map(
      (key): Scenario => ({
        name: `a topic for a ${key} room (fresh): admins only`,
        input: async () => ({
          roomId: await seededRoom(key === 'pub' ? 'public' : 'private'),
          topic: unique('topic '),
        }),
        expect: row(U, key === 'pub' ? F : NF, F, 'ok', F),
      }),
    ),
    {
      name: 'a dm has no admins',
      input: () => ({ roomId: rooms.dm, topic: 'hello' }),
      expect: row(U, NF, BR, BR, BR),
    },
    {
      name: 'a room that does not exist',
      input: () => ({ roomId: randomUUID(), name: 'renamed' }),
      expect: membersOnly.missing,
    },
  ],
  'rooms.setRole': [
    {
      name: 'the member made an admin of a private room (fresh): admins only',
      input: async () => ({
        roomId: await seededRoom('private'),
        userId: people.member.id,
        role: 'admin',
      }),
      expect: row(U, NF, F, 'ok', F),
    },
    {
      name: 'the caller steps down in a public room (fresh): its only admin cannot',
      input: async (who) => ({
        roomId: await seededRoom('public'),
        userId: userOf(who)?.id ?? randomUUID(),
        role: 'member',
      }),
      expect: row(U, F, F, BR, F),
    },
    {
      name: 'in a dm',
      input: () => ({ roomId: rooms.dm, userId: people.member.id, role: 'admin' }),
      expect: row(U, NF, BR, BR, BR),
    },
    {
      name: 'a room that does not exist',
      input: () => ({ roomId: randomUUID(), userId: people.member.id, role: 'admin' }),
      expect: membersOnly.missing,
    },
  ],
  'rooms.archive': [
    {
      name: 'a private room (fresh): admins only',
      input: async () => ({ roomId: await seededRoom('private') }),
      expect: row(U, NF, F, 'ok', F),
    },
    { name: 'a dm', input: () => ({ roomId: rooms.dm }), expect: row(U, NF, BR, BR, BR) },
    {
      name: 'a room that does not exist',
      input: () => ({ roomId: randomUUID() }),
      expect: membersOnly.missing,
    },
  ],
  'rooms.unarchive': [
    {
      name: 'an archived public room (fresh): admins only',
      input: async () => {
        const roomId = await seededRoom('public');
        await setArchived(server.app.deps, people.admin.id, roomId, true);
        return { roomId };
      },
      expect: row(U, F, F, 'ok', F),
    },
    { name: 'a dm', input: () => ({ roomId: rooms.dm }), expect: row(U, NF, BR, BR, BR) },
    {
      name: 'a room that does not exist',
      input: () => ({ roomId: randomUUID() }),
      expect: membersOnly.missing,
    },
  ],

  'messages.send': [
    ...perRoom(() => ({ body: 'hello', clientId: unique('send-') })),
    ...(['pub', 'priv', 'dm'] as const).map(
      (key): Scenario => ({
        name: `a reply in the thread of the member's message in the ${key} room: members only`,
        input: () => ({
          roomId: rooms[key],
          threadId: messageIds[key],
          body: 'in the thread',
          clientId: unique('thread-'),
        }),
        expect: membersOnly[key],
      }),
    ),
    {
      name: 'a reply in the priv room to a thread of the pub room',
      input: () => ({
        roomId: rooms.priv,
        threadId: messageIds.pub,
        body: 'wrong room',
        clientId: unique('thread-'),
      }),
      expect: row(U, NF, NF, NF, NF),
    },
  ],
  'messages.edit': [
    ...(['pub', 'priv', 'dm'] as const).map(
      (key): Scenario => ({
        name: `the member's message in the ${key} room: author only`,
        input: (who) => ({ messageId: messageIds[key], body: `edited by ${who} ${unique('')}` }),
        // Outsiders get NOT_FOUND for any message of a room they are not in.
        expect: row(U, NF, 'ok', F, 'ok'),
      }),
    ),
    {
      name: 'a message that does not exist',
      input: () => ({ messageId: randomUUID(), body: 'edited' }),
      expect: row(U, NF, NF, NF, NF),
    },
  ],
  'messages.delete': [
    {
      name: "the member's message in the pub room (fresh): author or admin",
      input: async () => ({ messageId: await seedMessage('member', rooms.pub) }),
      expect: row(U, NF, 'ok', 'ok', 'ok'),
    },
    {
      name: "the member's message in the priv room (fresh): author or admin",
      input: async () => ({ messageId: await seedMessage('member', rooms.priv) }),
      expect: row(U, NF, 'ok', 'ok', 'ok'),
    },
    {
      name: "the admin's message in the priv room (fresh): not another member",
      input: async () => ({ messageId: await seedMessage('admin', rooms.priv) }),
      expect: row(U, NF, F, 'ok', F),
    },
    {
      name: "the member's message in the dm (fresh): a dm has no admin",
      input: async () => ({ messageId: await seedMessage('member', rooms.dm) }),
      expect: row(U, NF, 'ok', F, 'ok'),
    },
    {
      name: 'a message that does not exist',
      input: () => ({ messageId: randomUUID() }),
      expect: row(U, NF, NF, NF, NF),
    },
  ],
  'messages.history': perRoom(),
  ...Object.fromEntries(
    (['messages.react', 'messages.unreact'] as const).map((path) => [
      path,
      [
        ...(['pub', 'priv', 'dm'] as const).map(
          (key): Scenario => ({
            name: `the member's message in the ${key} room: members only`,
            input: () => ({ messageId: messageIds[key], emoji: '👍' }),
            // Outsiders get NOT_FOUND for any message of a room they are not in.
            expect: row(U, NF, 'ok', 'ok', 'ok'),
          }),
        ),
        {
          name: 'a message that does not exist',
          input: () => ({ messageId: randomUUID(), emoji: '👍' }),
          expect: row(U, NF, NF, NF, NF),
        },
      ],
    ]),
  ),
  'messages.search': [
    {
      name: 'every room of mine (only those)',
      input: () => ({ query: 'seed' }),
      expect: allSignedIn('ok'),
    },
    ...perRoom(() => ({ query: 'seed' })),
  ],
  'messages.mentions': [
    {
      name: 'my mentions (in my rooms only)',
      input: () => ({}),
      expect: allSignedIn('ok'),
    },
  ],
  'messages.thread': [
    ...(['pub', 'priv', 'dm'] as const).map(
      (key): Scenario => ({
        name: `the thread of the member's message in the ${key} room: members only`,
        input: () => ({ messageId: messageIds[key] }),
        // Outsiders get NOT_FOUND for any message of a room they are not in.
        expect: row(U, NF, 'ok', 'ok', 'ok'),
      }),
    ),
    {
      name: 'a message that does not exist',
      input: () => ({ messageId: randomUUID() }),
      expect: row(U, NF, NF, NF, NF),
    },
  ],
  'messages.around': [
    ...(['pub', 'priv', 'dm'] as const).map(
      (key): Scenario => ({
        name: `the member's message in the ${key} room: members only`,
        input: () => ({ messageId: messageIds[key] }),
        // Outsiders get NOT_FOUND for any message of a room they are not in.
        expect: row(U, NF, 'ok', 'ok', 'ok'),
      }),
    ),
    {
      name: 'a message that does not exist',
      input: () => ({ messageId: randomUUID() }),
      expect: row(U, NF, NF, NF, NF),
    },
  ],

  // Rooms have messages, so a replay from position 0 speaks at once when allowed.
  'live.roomEvents': perRoom(() => ({ lastEventId: '0' })),
  'live.typing': perRoom(),
  'live.roomActivity': perRoom(),
  'live.userEvents': [
    {
      name: 'my own stream (poked by creating a room)',
      input: () => undefined,
      poke: (who) =>
        http[who].mutation('rooms.create', { name: unique('poke '), visibility: 'private' }),
      expect: allSignedIn('ok'),
    },
  ],

  'tokens.create': [
    { name: 'a bot token', input: () => ({ name: 'a bot' }), expect: row(U, 'ok', 'ok', 'ok', F) },
  ],
  'tokens.list': [
    { name: 'my tokens', input: () => undefined, expect: row(U, 'ok', 'ok', 'ok', F) },
  ],
  'tokens.revoke': [
    {
      name: 'my own token (fresh)',
      input: async (who) => {
        const owner = who === 'bot' ? 'member' : who;
        if (owner === 'anonymous') return { tokenId: randomUUID() };
        const created = await typed[owner].tokens.create.mutate({ name: unique('revoke me ') });
        return { tokenId: created.token.id };
      },
      expect: row(U, 'ok', 'ok', 'ok', F),
    },
    {
      name: "the member's token (fresh)",
      input: async () => {
        const created = await typed.member.tokens.create.mutate({ name: unique('theirs ') });
        return { tokenId: created.token.id };
      },
      expect: row(U, NF, 'ok', NF, F),
    },
  ],

  'admin.settings': [{ name: 'the sign-up mode', input: () => undefined, expect: ownerOnly }],
  'admin.updateSettings': [
    // Left open, so the sign-ups of the other rows still work.
    { name: 'sign-up open', input: () => ({ signUp: 'open' }), expect: ownerOnly },
  ],
  'admin.createInvite': [
    { name: 'an invite', input: () => ({ expiresInHours: 24, maxUses: 3 }), expect: ownerOnly },
  ],
  'admin.listInvites': [{ name: 'the invites', input: () => undefined, expect: ownerOnly }],
  'admin.revokeInvite': [
    {
      name: 'an invite (fresh)',
      input: async () => ({
        inviteId: (await typed.owner.admin.createInvite.mutate({})).invite.id,
      }),
      expect: ownerOnly,
    },
    {
      name: 'an invite that does not exist',
      input: () => ({ inviteId: randomUUID() }),
      expect: row(U, F, F, F, F, NF),
    },
  ],
  'admin.users': [{ name: 'the people', input: () => ({}), expect: ownerOnly }],
  'admin.deactivateUser': [
    {
      name: 'someone (fresh)',
      input: async () => ({ userId: (await signUp(server, unique('gone_'))).id }),
      expect: ownerOnly,
    },
    {
      name: 'the owner themself',
      input: () => ({ userId: people.owner.id }),
      expect: row(U, F, F, F, F, BR),
    },
  ],
  'admin.reactivateUser': [
    {
      name: 'someone deactivated (fresh)',
      input: async () => {
        const user = await signUp(server, unique('back_'));
        await typed.owner.admin.deactivateUser.mutate({ userId: user.id });
        return { userId: user.id };
      },
      expect: ownerOnly,
    },
    {
      name: 'no one',
      input: () => ({ userId: randomUUID() }),
      expect: row(U, F, F, F, F, NF),
    },
  ],
};

const procedures = appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>;

async function call(path: string, scenario: Scenario, who: Who): Promise<string> {
  const procedure = procedures[path];
  if (!procedure) throw new Error(`no procedure ${path}`);
  const input = await scenario.input(who);
  const token = scenario.token ? await scenario.token(who) : tokens[who];
  const client = token === tokens[who] ? http[who] : untypedHttpClient(server, token);
  switch (procedure._def.type) {
    case 'query':
      return outcome(client.query(path, input));
    case 'mutation':
      return outcome(client.mutation(path, input));
    case 'subscription': {
      const poke = scenario.poke;
      return firstEmission(ws[who].client, path, input, poke ? () => poke(who) : undefined);
    }
  }
}

describe('authorization matrix', () => {
  beforeAll(async () => {
    server = await startServer();
    // The first account is the workspace owner.
    const owner = await signUp(server, 'owner');
    const [outsider, member, admin] = await Promise.all([
      signUp(server, 'outsider'),
      signUp(server, 'member'),
      signUp(server, 'admin'),
    ]);
    people = { outsider, member, admin, owner };
    typed = {
      outsider: httpClient(server, outsider.token),
      member: httpClient(server, member.token),
      admin: httpClient(server, admin.token),
      owner: httpClient(server, owner.token),
    };
    const bot = await typed.member.tokens.create.mutate({ name: 'member bot' });
    tokens = {
      anonymous: null,
      outsider: outsider.token,
      member: member.token,
      admin: admin.token,
      bot: bot.secret,
      owner: owner.token,
    };
    http = {} as typeof http;
    ws = {} as typeof ws;
    for (const who of CALLERS) {
      http[who] = untypedHttpClient(server, tokens[who]);
      ws[who] = wsClient(server, tokens[who]);
    }
    rooms.pub = await freshRoom('public');
    rooms.priv = await freshRoom('private');
    rooms.dm = (await typed.admin.rooms.openDirect.mutate({ username: member.username })).id;
    for (const key of ['pub', 'priv', 'dm'] as const) {
      await seedMessage('admin', rooms[key]);
      messageIds[key] = await seedMessage('member', rooms[key]);
    }
  });

  afterAll(async () => {
    await Promise.all(Object.values(ws ?? {}).map((client) => client.close()));
    await server?.close();
  });

  it('has a row for every procedure of the router, and none for one that is gone', () => {
    expect(Object.keys(matrix).sort()).toEqual(Object.keys(procedures).sort());
    for (const [path, scenarios] of Object.entries(matrix)) {
      expect(scenarios.length, path).toBeGreaterThan(0);
    }
  });

  for (const path of Object.keys(matrix)) {
    it(`${path}: every caller gets the documented result`, async () => {
      if (!procedures[path]) throw new Error(`${path} has a row but is not in the router`);
      const expected: Record<string, Expected> = {};
      const actual: Record<string, Expected> = {};
      for (const scenario of matrix[path] ?? []) {
        const results = {} as Expected;
        for (const who of CALLERS) results[who] = await call(path, scenario, who);
        expected[scenario.name] = scenario.expect;
        actual[scenario.name] = results;
      }
      expect(actual).toEqual(expected);
    });
  }

  it('tells an outsider exactly the same about a private room, a dm and no room at all', async () => {
    const asOutsider = http.outsider;
    const reads = [
      (roomId: string) => asOutsider.query('rooms.members', { roomId }),
      (roomId: string) => asOutsider.query('messages.history', { roomId }),
      (roomId: string) =>
        asOutsider.mutation('messages.send', { roomId, body: 'hi', clientId: unique('x-') }),
      (roomId: string) => asOutsider.mutation('rooms.join', { roomId }),
      (roomId: string) => asOutsider.mutation('rooms.invite', { roomId, username: 'member' }),
    ];
    for (const read of reads) {
      const answers = await Promise.all(
        [rooms.priv, rooms.dm, randomUUID()].map(async (roomId) => {
          const error = await failure(read(roomId));
          return { code: errorCode(error), message: errorMessage(error) };
        }),
      );
      expect(answers[0]).toEqual(answers[2]);
      expect(answers[1]).toEqual(answers[2]);
    }
    // Nor do the private room and the dm show up anywhere the outsider can look.
    const browsed = await typed.outsider.rooms.browse.query({});
    expect(browsed.map((r) => r.id)).not.toContain(rooms.priv);
    expect(browsed.map((r) => r.id)).not.toContain(rooms.dm);
    const listed = await typed.outsider.rooms.list.query();
    expect(listed.map((r) => r.id)).not.toContain(rooms.priv);
  });

  it('an archived room is read-only for everyone, its admins included', async () => {
    const roomId = await seededRoom('private');
    const messageId = await seedMessage('member', roomId);
    await typed.admin.rooms.archive.mutate({ roomId });
    const refused = async (call: Promise<unknown>) => {
      const error = await failure(call);
      return `${errorCode(error)} ${errorMessage(error)}`;
    };
    const archived = `${F} This room is archived: it is read-only until an admin unarchives it.`;
    for (const who of ['member', 'admin', 'bot'] as const) {
      expect(
        await refused(
          http[who].mutation('messages.send', { roomId, body: 'hi', clientId: unique('a-') }),
        ),
        who,
      ).toBe(archived);
    }
    expect(
      await refused(http.member.mutation('messages.edit', { messageId, body: 'edited' })),
    ).toBe(archived);
    expect(await refused(http.admin.mutation('messages.delete', { messageId }))).toBe(archived);
    expect(
      await refused(
        http.admin.mutation('rooms.invite', { roomId, username: people.outsider.username }),
      ),
    ).toBe(archived);
    // Outsiders still learn nothing of a private room, archived or not.
    expect(
      await refused(
        http.outsider.mutation('messages.send', { roomId, body: 'hi', clientId: unique('a-') }),
      ),
    ).toBe(`${NF} Room not found.`);
  });

  it('signOut ends the session: its token no longer works', async () => {
    const { token } = await sessionToken(server.db, people.outsider.id);
    const client = httpClient(server, token);
    expect((await client.auth.me.query())?.id).toBe(people.outsider.id);
    await client.auth.signOut.mutate();
    expect(await client.auth.me.query()).toBeNull();
    expect(await outcome(client.rooms.list.query())).toBe(U);
  });

  it('serves subscriptions over WebSocket only, where revoking a session can end them', async () => {
    for (const path of Object.keys(procedures)) {
      if (procedures[path]?._def.type !== 'subscription') continue;
      const input = encodeURIComponent(JSON.stringify({ roomId: rooms.pub }));
      const response = await fetch(`${server.url}/trpc/${path}?input=${input}`, {
        headers: { Authorization: `Bearer ${tokens.member}`, Accept: 'text/event-stream' },
        signal: AbortSignal.timeout(5_000),
      });
      // Refused at once: the response ends (rather than streaming until the timeout).
      expect(await response.text(), path).toContain('METHOD_NOT_SUPPORTED');
    }
  });

  it('leaving a room ends its subscriptions', async () => {
    const roomId = await freshRoom('public');
    const client = wsClient(server, tokens.member);
    const events: string[] = [];
    let ended = false;
    await new Promise<void>((resolve, reject) => {
      client.client.subscription(
        'live.roomEvents',
        { roomId },
        {
          onStarted: () => resolve(),
          onData: () => events.push('data'),
          onError: reject,
          onComplete: () => {
            ended = true;
          },
        },
      );
    });
    await seedMessage('admin', roomId);
    await expect.poll(() => events.length).toBe(1);
    await typed.member.rooms.leave.mutate({ roomId });
    await expect.poll(() => ended).toBe(true);
    await seedMessage('admin', roomId);
    expect(await outcome(typed.member.messages.history.query({ roomId }))).toBe(F);
    expect(events).toEqual(['data']);
    await client.close();
  });

  it('a reply cannot reach into a room the sender is not in', async () => {
    const own = await freshRoom('public');
    await typed.outsider.rooms.join.mutate({ roomId: own });
    const secret = messageIds.priv;
    const intoPrivate = await failure(
      typed.outsider.messages.send.mutate({
        roomId: own,
        body: 'hi',
        clientId: unique('reply-'),
        replyToId: secret,
      }),
    );
    const intoNothing = await failure(
      typed.outsider.messages.send.mutate({
        roomId: own,
        body: 'hi',
        clientId: unique('reply-'),
        replyToId: randomUUID(),
      }),
    );
    expect(errorCode(intoPrivate)).toBe(BR);
    expect(errorMessage(intoPrivate)).toBe(errorMessage(intoNothing));
  });

  it('a revoked bot token stops working', async () => {
    const created = await typed.admin.tokens.create.mutate({ name: 'short-lived' });
    const bot = httpClient(server, created.secret);
    expect((await bot.auth.me.query())?.id).toBe(people.admin.id);
    await typed.admin.tokens.revoke.mutate({ tokenId: created.token.id });
    expect(await outcome(bot.rooms.list.query())).toBe(U);
  });
});

/**
 * Hostile (issue 14): the attack pass that access control held, as an attacker sends it (raw
 * HTTP and raw WebSocket frames, a production-mode server), so that it keeps holding: forged
 * and revoked credentials, other people's ids (IDOR), private rooms and DMs. Refusals of what
 * exists and of what does not read the same, and the victims' things are untouched.
 */
describe('hostile', () => {
  let h: hostile.Hostile;
  type Account = Awaited<ReturnType<typeof hostile.signUp>>;
  let ana: Account;
  let bob: Account;
  let eve: Account;
  let privateRoom: string;
  let dm: string;
  let dmMessage: string;
  let anaSession: string;
  let anaBot: { id: string; secret: string };

  const as = (account: Account) => account.token;
  /** Code and message of a refused call, to compare a real id's answer with a made-up one's. */
  const refusal = (answer: hostile.Answer) => ({
    status: answer.status,
    ...hostile.errorOf(answer.json),
  });

  /** The error a raw socket is sent when it calls `path` with `input` (after any `started`). */
  async function overSocket(token: string, method: string, path: string, input: unknown) {
    const socket = hostile.RawSocket.as(h, token);
    await socket.opened;
    socket.send({ id: 1, method, params: { path, input } });
    const [answer] = await socket.waitFor(
      (m) => hostile.frameFor(1)(m) && hostile.wireCode(m) !== undefined,
    );
    const everything = JSON.stringify(socket.received);
    socket.close();
    return { answer, everything };
  }

  beforeAll(async () => {
    h = await hostile.startHostile();
    ana = await hostile.signUp(h, 'ana');
    bob = await hostile.signUp(h, 'bob');
    eve = await hostile.signUp(h, 'eve');
    const made = await hostile.mutate(
      h,
      'rooms.create',
      { name: 'plans', visibility: 'private' },
      as(ana),
    );
    privateRoom = hostile.resultOf<{ id: string }>(made.json).id;
    const direct = await hostile.mutate(h, 'rooms.openDirect', { username: 'bob' }, as(ana));
    dm = hostile.resultOf<{ id: string }>(direct.json).id;
    const sent = await hostile.mutate(
      h,
      'messages.send',
      { roomId: dm, body: 'the secret plan', clientId: 'dm-1' },
      as(ana),
    );
    dmMessage = hostile.resultOf<{ id: string }>(sent.json).id;
    const sessions = hostile.resultOf<Array<{ id: string }>>(
      (await hostile.query(h, 'auth.sessions', undefined, as(ana))).json,
    );
    anaSession = sessions[0]?.id ?? '';
    const bot = await hostile.mutate(h, 'tokens.create', { name: 'ana bot' }, as(ana));
    const created = hostile.resultOf<{ token: { id: string }; secret: string }>(bot.json);
    anaBot = { id: created.token.id, secret: created.secret };
  });
  afterAll(() => h?.close());

  it('refuses forged, tampered and unsigned tokens over raw HTTP and raw WebSocket', async () => {
    const claims: unknown = JSON.parse(
      Buffer.from(ana.token.split('.')[1] ?? '', 'base64url').toString(),
    );
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const [header, , signature] = eve.token.split('.');
    const forged = [
      await signSessionToken('not-this-servers-secret-0123456789-0123456789', {
        sessionId: anaSession,
        userId: ana.user.id,
        expiresAt: new Date(Date.now() + 3_600_000),
      }),
      [header, b64(Object(claims)), signature].join('.'), // ana's claims under eve's signature
      [b64({ alg: 'none', typ: 'JWT' }), b64(Object(claims)), ''].join('.'),
      `pat_${'A'.repeat(43)}`, // a made-up bot token
      'garbage',
    ];
    for (const token of forged) {
      const answer = await hostile.query(h, 'rooms.list', undefined, token);
      expect(answer.status, token).toBe(401);
      expect(hostile.errorOf(answer.json).code).toBe('UNAUTHORIZED');
      const me = await hostile.query(h, 'auth.me', undefined, token);
      expect(hostile.resultOf(me.json)).toBeNull();
      const socket = hostile.RawSocket.as(h, token);
      const [frame] = await socket.waitFor((m) => hostile.wireCode(m) !== undefined);
      expect(hostile.wireCode(frame)).toBe('UNAUTHORIZED');
      await socket.closed;
    }
  });

  it('a signed-out session and a revoked bot token stop working at once, their open sockets too', async () => {
    const victim = await hostile.signUp(h, 'victim');
    const open = hostile.RawSocket.as(h, victim.token);
    await open.opened;
    open.send({ id: 1, method: 'subscription', params: { path: 'live.userEvents' } });
    await open.waitFor(hostile.frameFor(1));
    const out = await hostile.mutate(h, 'auth.signOut', undefined, victim.token);
    expect(out.status).toBe(200);
    await open.closed;
    expect((await hostile.query(h, 'rooms.list', undefined, victim.token)).status).toBe(401);
    expect(
      (
        await hostile.mutate(
          h,
          'rooms.create',
          { name: 'late', visibility: 'private' },
          victim.token,
        )
      ).status,
    ).toBe(401);

    const bot = await hostile.mutate(h, 'tokens.create', { name: 'short-lived' }, as(ana));
    const { token, secret } = hostile.resultOf<{ token: { id: string }; secret: string }>(bot.json);
    const botSocket = hostile.RawSocket.as(h, secret);
    await botSocket.opened;
    expect((await hostile.query(h, 'rooms.list', undefined, secret)).status).toBe(200);
    expect((await hostile.mutate(h, 'tokens.revoke', { tokenId: token.id }, as(ana))).status).toBe(
      200,
    );
    await botSocket.closed;
    expect((await hostile.query(h, 'rooms.list', undefined, secret)).status).toBe(401);
  });

  it('answers another person’s ids (IDOR) exactly as ids that do not exist, and changes nothing', async () => {
    const tries: Array<[string, 'query' | 'mutate', (id: string) => unknown, string]> = [
      ['messages.edit', 'mutate', (id) => ({ messageId: id, body: 'pwned' }), dmMessage],
      ['messages.delete', 'mutate', (id) => ({ messageId: id }), dmMessage],
      ['messages.send', 'mutate', (id) => ({ roomId: id, body: 'x', clientId: 'idor' }), dm],
      ['messages.history', 'query', (id) => ({ roomId: id }), dm],
      ['messages.history', 'query', (id) => ({ roomId: id }), privateRoom],
      ['messages.around', 'query', (id) => ({ messageId: id }), dmMessage],
      ['messages.thread', 'query', (id) => ({ messageId: id }), dmMessage],
      ['messages.react', 'mutate', (id) => ({ messageId: id, emoji: '👍' }), dmMessage],
      ['messages.search', 'query', (id) => ({ query: 'x', roomId: id }), privateRoom],
      ['rooms.members', 'query', (id) => ({ roomId: id }), privateRoom],
      ['rooms.join', 'mutate', (id) => ({ roomId: id }), privateRoom],
      ['rooms.invite', 'mutate', (id) => ({ roomId: id, username: 'eve' }), privateRoom],
      ['rooms.markRead', 'mutate', (id) => ({ roomId: id, position: 1 }), dm],
      ['rooms.setNotifications', 'mutate', (id) => ({ roomId: id, level: 'none' }), dm],
      ['rooms.update', 'mutate', (id) => ({ roomId: id, name: 'mine now' }), privateRoom],
      ['rooms.archive', 'mutate', (id) => ({ roomId: id }), privateRoom],
      [
        'rooms.setRole',
        'mutate',
        (id) => ({ roomId: id, userId: eve.user.id, role: 'admin' }),
        privateRoom,
      ],
      ['tokens.revoke', 'mutate', (id) => ({ tokenId: id }), anaBot.id],
      ['auth.revokeSession', 'mutate', (id) => ({ sessionId: id }), anaSession],
    ];
    for (const [path, kind, input, real] of tries) {
      const send = kind === 'query' ? hostile.query : hostile.mutate;
      const theirs = refusal(await send(h, path, input(real), as(eve)));
      const nobodys = refusal(await send(h, path, input(randomUUID()), as(eve)));
      expect(theirs.status, `${path} ${JSON.stringify(theirs)}`).toBeGreaterThanOrEqual(400);
      expect({ code: theirs.code, message: theirs.message, status: theirs.status }, path).toEqual({
        code: nobodys.code,
        message: nobodys.message,
        status: nobodys.status,
      });
    }
    // Ana's things are as she left them: her message, her session, her bot.
    const history = await hostile.query(h, 'messages.history', { roomId: dm }, as(ana));
    const items = hostile.resultOf<{ items: Array<{ id: string; body: string }> }>(
      history.json,
    ).items;
    expect(items.map((m) => m.body)).toEqual(['the secret plan']);
    const anasRooms = await hostile.query(h, 'rooms.list', undefined, as(ana));
    expect(anasRooms.status).toBe(200);
    expect(anasRooms.text).toContain('"name":"plans"');
    expect(anasRooms.text).not.toContain('mine now');
    expect(anasRooms.text).toContain('"archivedAt":null');
    expect((await hostile.query(h, 'rooms.list', undefined, anaBot.secret)).status).toBe(200);
    const members = await hostile.query(h, 'rooms.members', { roomId: privateRoom }, as(ana));
    expect(JSON.stringify(members.json)).not.toContain(eve.user.id);
  });

  it('refuses subscriptions to a private room or a DM over a raw socket, as for no room at all', async () => {
    for (const [method, path] of [
      ['subscription', 'live.roomEvents'],
      ['subscription', 'live.roomActivity'],
      ['mutation', 'live.typing'],
    ] as const) {
      const answers = [];
      for (const roomId of [privateRoom, dm, randomUUID()]) {
        const input = path === 'live.roomEvents' ? { roomId, lastEventId: '0' } : { roomId };
        const { answer, everything } = await overSocket(as(eve), method, path, input);
        answers.push({ code: hostile.wireCode(answer), message: hostile.errorOf(answer).message });
        expect(everything).not.toContain('secret plan');
      }
      expect(answers[0]?.code, path).toBe('NOT_FOUND');
      expect(answers[0], path).toEqual(answers[2]);
      expect(answers[1], path).toEqual(answers[2]);
    }
    // Nothing lists them for eve either; bob, in the DM, reads it.
    const browse = await hostile.query(h, 'rooms.browse', {}, as(eve));
    expect(JSON.stringify(browse.json)).not.toMatch(new RegExp(`${privateRoom}|${dm}`));
    const list = await hostile.query(h, 'rooms.list', undefined, as(eve));
    expect(JSON.stringify(list.json)).not.toMatch(new RegExp(`${privateRoom}|${dm}`));
    const bobs = await hostile.query(h, 'messages.history', { roomId: dm }, as(bob));
    expect(bobs.status).toBe(200);
  });
});
