/**
 * Hostile (issue 14, finding 4): every writing mutation belongs to a rate limiter, so edits,
 * deletes, room creation, invites, DMs and tokens cannot be looped; markRead is coalesced; and
 * behind a proxy the client address is the rightmost untrusted X-Forwarded-For entry, so a
 * client cannot pick its own address by writing on the left of that header.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { LIMITS } from '@parley/api-contract/limits';
import { memberships, roomEvents } from '@parley/db';
import type { AnyTRPCProcedure } from '@trpc/server';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress } from '../../src/http/client-address.js';
import { limitsEnvSchema, type RateName } from '../../src/limits/settings.js';
import { appRouter } from '../../src/router.js';
import {
  errorOf,
  type Hostile,
  mutate,
  resultOf,
  signUp,
  sleep,
  startHostile,
} from './hostile-support.js';

/**
 * Every mutation and the limiter it belongs to. A new mutation without a row fails the first
 * test: decide its limit (and add it to the README's Limits table).
 */
const LIMITED: Record<string, RateName | 'send' | 'exempt'> = {
  'auth.signUp': 'auth',
  // Also the sign-in guard (hostile-signin.test.ts).
  'auth.signIn': 'auth',
  // Ends the caller's own session once; afterwards the token no longer works.
  'auth.signOut': 'exempt',
  'rooms.create': 'rooms',
  'rooms.join': 'membership',
  'rooms.leave': 'membership',
  'rooms.invite': 'membership',
  'rooms.kick': 'membership',
  'rooms.openDirect': 'direct',
  'rooms.markRead': 'reads',
  'rooms.update': 'roomSettings',
  'rooms.setNotifications': 'reads',
  'rooms.setRole': 'roomSettings',
  'rooms.archive': 'roomSettings',
  'rooms.unarchive': 'roomSettings',
  'messages.send': 'send',
  'messages.edit': 'edits',
  'messages.delete': 'edits',
  'messages.react': 'reactions',
  'messages.unreact': 'reactions',
  'live.typing': 'typing',
  'tokens.create': 'tokens',
  'tokens.revoke': 'tokens',
  'auth.updateProfile': 'account',
  'auth.changePassword': 'account',
  'auth.revokeSession': 'account',
  'admin.updateSettings': 'admin',
  'admin.createInvite': 'admin',
  'admin.revokeInvite': 'admin',
  'admin.deactivateUser': 'admin',
  'admin.reactivateUser': 'admin',
};

const fakeReq = (peer: string, forwarded?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  }) as unknown as IncomingMessage;

let server: Hostile;
let ana: Awaited<ReturnType<typeof signUp>>;
let ben: Awaited<ReturnType<typeof signUp>>;
let roomId: string;

async function eventsOf(type: 'message.edited' | 'message.deleted') {
  const [row] = await server.db.db
    .select({ n: count() })
    .from(roomEvents)
    .where(and(eq(roomEvents.roomId, roomId), eq(roomEvents.type, type)));
  return Number(row?.n);
}

/** Calls `call(i)` until one is refused; returns how many went through. */
async function untilRefused(call: (i: number) => ReturnType<typeof mutate>, most: number) {
  for (let i = 0; i < most; i++) {
    const answer = await call(i);
    if (answer.status === 429) return { passed: i, refusal: errorOf(answer.json) };
    if (answer.status !== 200) throw new Error(`call ${i}: ${answer.text}`);
  }
  return { passed: most, refusal: null };
}

describe('hostile: rate limits and client addresses', () => {
  beforeAll(async () => {
    server = await startHostile({
      limits: {
        rates: {
          edits: { points: 30, seconds: 60 },
          rooms: { points: 5, seconds: 3600 },
          membership: { points: 8, seconds: 600 },
          direct: { points: 3, seconds: 600 },
          tokens: { points: 4, seconds: 3600 },
          reads: { points: 20, seconds: 5 },
        },
      },
    });
    [ana, ben] = [await signUp(server, 'ana'), await signUp(server, 'ben')];
    const room = await mutate(
      server,
      'rooms.create',
      { name: 'town', visibility: 'public' },
      ana.token,
    );
    roomId = resultOf<{ id: string }>(room.json).id;
    await mutate(server, 'rooms.join', { roomId }, ben.token);
  });
  afterAll(() => server?.close());

  it('has a limiter for every mutation of the router', () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>;
    const mutations = Object.entries(procedures)
      .filter(([, p]) => (p._def as unknown as { type: string }).type === 'mutation')
      .map(([name]) => name)
      .sort();
    expect(mutations).toEqual(Object.keys(LIMITED).sort());
  });

  it('documents every limit, with its default and variable, in the README Limits table', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('### Limits'), readme.indexOf('Fixed limits'));
    const defaults = limitsEnvSchema.parse({});
    const rows = Object.entries(defaults).map(([name, value]) => {
      const shown = typeof value === 'object' ? `${value.points}/${value.seconds}` : String(value);
      return `| \`${name}\` | \`${shown}\` |`;
    });
    rows.push('| `PARLEY_SEND_RATE` | `5` |', '| `PARLEY_SEND_BURST` | `15` |');
    const flat = table.replace(/ {2,}/g, ' ');
    for (const row of rows) expect(flat, row).toContain(row);
    // And the fixed ones, every entry of LIMITS, in the table after it.
    const fixed = readme.slice(readme.indexOf('Fixed limits'), readme.indexOf('## Layout'));
    const fixedFlat = fixed.replace(/ {2,}/g, ' ');
    for (const [name, value] of Object.entries(LIMITS)) {
      const row = `| \`LIMITS.${name}\` | \`${value}\` |`;
      expect(fixedFlat, row).toContain(row);
    }
  });

  it('stops a loop of 2000 edits, then deletes, after the limit; the events written stay bounded', async () => {
    const sent = await mutate(
      server,
      'messages.send',
      { roomId, body: 'v0', clientId: 'e' },
      ana.token,
    );
    const messageId = resultOf<{ id: string }>(sent.json).id;
    const edits = await untilRefused(
      (i) => mutate(server, 'messages.edit', { messageId, body: `v${i + 1}` }, ana.token),
      2000,
    );
    expect(edits.passed).toBe(30);
    expect(edits.refusal?.code).toBe('TOO_MANY_REQUESTS');
    expect(edits.refusal?.message).toMatch(
      /editing messages faster than Parley allows\. Try again in \d+ seconds?\./,
    );
    expect(await eventsOf('message.edited')).toBe(30);
    // Deleting shares the limit: nothing left for it.
    const del = await mutate(server, 'messages.delete', { messageId }, ana.token);
    expect(del.status).toBe(429);
    expect(await eventsOf('message.deleted')).toBe(0);
    // Ben is not limited by Ana.
    const his = await mutate(
      server,
      'messages.send',
      { roomId, body: 'hi', clientId: 'b' },
      ben.token,
    );
    const hisId = resultOf<{ id: string }>(his.json).id;
    expect(
      (await mutate(server, 'messages.edit', { messageId: hisId, body: 'hey' }, ben.token)).status,
    ).toBe(200);
  });

  it('limits room creation, invitations, direct messages and tokens per user', async () => {
    const mallory = await signUp(server, 'mallory');
    const rooms = await untilRefused(
      (i) =>
        mutate(server, 'rooms.create', { name: `spam-${i}`, visibility: 'public' }, mallory.token),
      800,
    );
    expect(rooms.passed).toBe(5);
    expect(rooms.refusal?.message).toMatch(/creating rooms faster/);

    const targets = await Promise.all(
      Array.from({ length: 10 }, (_, i) => signUp(server, `target${i}`)),
    );
    const inviter = await signUp(server, 'inviter');
    const room = await mutate(
      server,
      'rooms.create',
      { name: 'mallory-own', visibility: 'private' },
      inviter.token,
    );
    const privateId = resultOf<{ id: string }>(room.json).id;
    const invites = await untilRefused(
      (i) =>
        mutate(
          server,
          'rooms.invite',
          { roomId: privateId, username: targets[i % 10]?.user.username },
          inviter.token,
        ),
      800,
    );
    expect(invites.passed).toBe(8);
    expect(invites.refusal?.message).toMatch(/inviting people faster/);

    const dms = await untilRefused(
      (i) =>
        mutate(
          server,
          'rooms.openDirect',
          { username: targets[i % 10]?.user.username },
          mallory.token,
        ),
      800,
    );
    expect(dms.passed).toBe(3);
    expect(dms.refusal?.message).toMatch(/opening conversations faster/);

    const tokens = await untilRefused(
      (i) => mutate(server, 'tokens.create', { name: `t${i}` }, mallory.token),
      800,
    );
    expect(tokens.passed).toBe(4);
    expect(tokens.refusal?.message).toMatch(/creating tokens faster/);
  });

  it('coalesces markRead: a burst writes the last position, and a flood is refused', async () => {
    for (let i = 0; i < 5; i++) {
      await mutate(
        server,
        'messages.send',
        { roomId, body: `m${i}`, clientId: `mr${i}` },
        ana.token,
      );
    }
    const answers = [];
    for (let p = 1; p <= 15; p++)
      answers.push(await mutate(server, 'rooms.markRead', { roomId, position: p }, ben.token));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // Within a second the last mark is stored (coalesced writes), clipped to the room's end.
    const stored = async () => {
      const [row] = await server.db.db
        .select({ p: memberships.lastReadPosition })
        .from(memberships)
        .where(and(eq(memberships.roomId, roomId), eq(memberships.userId, ben.user.id)));
      return row?.p;
    };
    const last = resultOf<{ lastReadPosition: number }>(answers.at(-1)?.json).lastReadPosition;
    await expect.poll(stored, { timeout: 5_000 }).toBe(last);
    const flood = await untilRefused(
      () => mutate(server, 'rooms.markRead', { roomId, position: 1 }, ben.token),
      200,
    );
    expect(flood.passed).toBeLessThan(20);
    expect(flood.refusal?.message).toMatch(/marking rooms read faster/);
  });

  it('reads the client address from the right of X-Forwarded-For, like real_ip_recursive', () => {
    const trusted = clientAddress({
      trustProxy: true,
      trustedProxies: ['127.0.0.1', '10.0.0.0/8'],
      proxyHops: undefined,
    });
    // The proxy (127.0.0.1) appended the real client (198.51.100.7); the client wrote the rest.
    expect(trusted(fakeReq('127.0.0.1', '1.2.3.4, 198.51.100.7'))).toBe('198.51.100.7');
    expect(trusted(fakeReq('::ffff:127.0.0.1', 'spoofed, 198.51.100.7, 10.1.2.3'))).toBe(
      '198.51.100.7',
    );
    // A peer that is not a trusted proxy is the client, whatever it says.
    expect(trusted(fakeReq('203.0.113.9', '127.0.0.1'))).toBe('203.0.113.9');
    // Nothing but proxies: the leftmost (nginx does the same).
    expect(trusted(fakeReq('127.0.0.1', '10.0.0.1'))).toBe('10.0.0.1');
    const hops = clientAddress({ trustProxy: true, trustedProxies: [], proxyHops: 2 });
    expect(hops(fakeReq('10.0.0.2', 'spoofed, 198.51.100.8, 10.0.0.1'))).toBe('198.51.100.8');
    const off = clientAddress({ trustProxy: false, trustedProxies: [], proxyHops: undefined });
    expect(off(fakeReq('203.0.113.9', '1.1.1.1'))).toBe('203.0.113.9');
    const nearby = clientAddress({ trustProxy: true, trustedProxies: [], proxyHops: undefined });
    expect(nearby(fakeReq('192.168.1.1', '1.2.3.4, [2001:db8::1]:443'))).toBe('2001:db8::1');
  });

  it('behind a trusted proxy, 80 sign-ups that each forge X-Forwarded-For still count against one address', async () => {
    const proxied = await startHostile({
      trustProxy: true,
      trustedProxies: ['127.0.0.1', '::1'],
      limits: { rates: { auth: { points: 10, seconds: 300 } } },
    });
    try {
      const attempt = (i: number, real: string) =>
        fetch(`${proxied.url}/trpc/auth.signUp`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            // What nginx sends: the client's own header, then the address it saw.
            'X-Forwarded-For': `10.66.${i >> 8}.${i & 255}, ${real}`,
          },
          body: JSON.stringify({ username: `forger${i}`, password: 'correct horse battery' }),
        }).then((r) => r.status);
      const statuses = [];
      for (let i = 0; i < 80; i++) statuses.push(await attempt(i, '198.51.100.20'));
      expect(statuses.filter((s) => s === 200)).toHaveLength(10);
      expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
      // Someone at another address is not affected.
      expect(await attempt(1000, '198.51.100.21')).toBe(200);
    } finally {
      await proxied.close();
    }
  });

  it('answers quickly while limited, and the limits reset with time', async () => {
    const quick = await startHostile({ limits: { rates: { rooms: { points: 2, seconds: 1 } } } });
    try {
      const me = await signUp(quick, 'quickie');
      const create = (i: number) =>
        mutate(quick, 'rooms.create', { name: `q${i}`, visibility: 'private' }, me.token);
      expect((await create(1)).status).toBe(200);
      expect((await create(2)).status).toBe(200);
      expect((await create(3)).status).toBe(429);
      await sleep(1_100);
      expect((await create(4)).status).toBe(200);
    } finally {
      await quick.close();
    }
  });
});
