/**
 * Hostile (issue 14, finding 1): one request must not be able to make the server build a huge
 * response. Batches are capped (tRPC's maxBatchSize), history pages stop at a byte budget,
 * any one query result has a size cap, and a WebSocket frame holding hundreds of calls runs
 * only a few at a time. Sent as an attacker would: raw HTTP and raw WebSocket frames.
 */
import { apiTokens, rooms } from '@parley/db';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMessage } from '../../src/messages/service.js';
import {
  errorOf,
  frameFor,
  type Hostile,
  health,
  mutate,
  query,
  RawSocket,
  raw,
  resultOf,
  signUp,
  startHostile,
  wireCode,
} from './hostile-support.js';

const PAGE_BYTES = 64 * 1024;
let server: Hostile;
let owner: Awaited<ReturnType<typeof signUp>>;
let roomId: string;
const LONG = 'é'.repeat(3990);

async function countOf(table: typeof rooms | typeof apiTokens) {
  const [row] = await server.db.db.select({ n: count() }).from(table);
  return Number(row?.n);
}

describe('hostile: batches and response sizes', () => {
  beforeAll(async () => {
    server = await startHostile({
      limits: { historyPageBytes: PAGE_BYTES, rates: { rooms: { points: 1000, seconds: 60 } } },
    });
    owner = await signUp(server, 'owner');
    const room = await mutate(
      server,
      'rooms.create',
      { name: 'long', visibility: 'private' },
      owner.token,
    );
    roomId = resultOf<{ id: string }>(room.json).id;
    for (let i = 0; i < 150; i++) {
      const sent = await sendMessage(server.app.deps, owner.user.id, {
        roomId,
        body: `${i} ${LONG}`,
        clientId: `long-${i}`,
      });
      if (!sent.ok) throw new Error(sent.message);
    }
  });
  afterAll(() => server?.close());

  it('refuses a batch of 120 history calls before running any, and serves a batch of 10', async () => {
    const input = Object.fromEntries(
      Array.from({ length: 120 }, (_, i) => [i, { roomId, limit: 100 }]),
    );
    // (120 fill the 16 KiB a URL may have; the bound is the same for 185 or 10 000.)
    const paths = Array(120).fill('messages.history').join(',');
    const answer = await raw(
      server,
      `${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
      { headers: { Authorization: `Bearer ${owner.token}` } },
    );
    expect(answer.status).toBe(400);
    expect(answer.text.length).toBeLessThan(10_000);
    expect(answer.text).toContain('Too many calls in one batch');

    const ten = Array(10).fill('messages.history').join(',');
    const tenInput = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [i, { roomId, limit: 100 }]),
    );
    const ok = await raw(
      server,
      `${ten}?batch=1&input=${encodeURIComponent(JSON.stringify(tenInput))}`,
      {
        headers: { Authorization: `Bearer ${owner.token}` },
      },
    );
    expect(ok.status).toBe(200);
    expect((ok.json as unknown[]).length).toBe(10);
    // Ten pages of the longest messages stay within ten page budgets (plus envelopes).
    expect(Buffer.byteLength(ok.text)).toBeLessThan(10 * (PAGE_BYTES + 16 * 1024));
  });

  it('refuses 800 rooms.create or tokens.create in one request, creating nothing', async () => {
    const roomsBefore = await countOf(rooms);
    const tokensBefore = await countOf(apiTokens);
    for (const [path, input] of [
      ['rooms.create', (i: number) => ({ name: `spam ${i}`, visibility: 'public' })],
      ['tokens.create', (i: number) => ({ name: `spam ${i}` })],
    ] as const) {
      const body = Object.fromEntries(Array.from({ length: 800 }, (_, i) => [i, input(i)]));
      const answer = await raw(server, `${Array(800).fill(path).join(',')}?batch=1`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${owner.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(answer.status, path).toBe(400);
    }
    expect(await countOf(rooms)).toBe(roomsBefore);
    expect(await countOf(apiTokens)).toBe(tokensBefore);
  });

  it('ends a history page of long messages at the byte budget, and paging still reaches every message', async () => {
    const first = await query(server, 'messages.history', { roomId, limit: 100 }, owner.token);
    expect(first.status).toBe(200);
    const page = resultOf<{ items: Array<{ body: string }>; nextCursor: number | null }>(
      first.json,
    );
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.length).toBeLessThan(100);
    expect(Buffer.byteLength(first.text)).toBeLessThan(PAGE_BYTES + 16 * 1024);
    expect(page.nextCursor).not.toBeNull();

    const seen: string[] = [];
    let cursor: number | null = null;
    do {
      const answer = await query(
        server,
        'messages.history',
        { roomId, limit: 100, ...(cursor ? { before: cursor } : {}) },
        owner.token,
      );
      const p = resultOf<{ items: Array<{ body: string }>; nextCursor: number | null }>(
        answer.json,
      );
      seen.push(...p.items.map((m) => m.body.split(' ')[0] ?? ''));
      cursor = p.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(Array.from({ length: 150 }, (_, i) => String(149 - i)));
  });

  it('runs only a few calls of a frame holding 400 at once (all a 64 KiB frame fits), and keeps serving the socket and others', async () => {
    const socket = RawSocket.as(server, owner.token);
    await socket.opened;
    const { maxInFlightPerSocket } = server.app.deps.config.limits;
    socket.send(
      Array.from({ length: 400 }, (_, i) => ({
        id: i + 1,
        method: 'query',
        params: { path: 'messages.history', input: { roomId, limit: 100 } },
      })),
    );
    const answers = await socket.waitFor(
      (m) => typeof m === 'object' && m !== null && 'id' in m,
      400,
    );
    expect(answers).toHaveLength(400);
    const served = answers.filter((m) => wireCode(m) === undefined).length;
    const refused = answers.filter((m) => wireCode(m) === 'TOO_MANY_REQUESTS');
    expect(served).toBeGreaterThan(0);
    expect(served).toBeLessThanOrEqual(maxInFlightPerSocket);
    expect(refused.length).toBe(400 - served);
    expect(errorOf(refused[0]).message).toMatch(/calls running, the most allowed/);
    // The same socket answers its next call.
    socket.send({ id: 1000, method: 'query', params: { path: 'auth.me' } });
    const [me] = await socket.waitFor(frameFor(1000));
    expect(JSON.stringify(me)).toContain(owner.user.id);
    expect((await health(server)).status).toBe(200);
    socket.close();
  });

  it('refuses a query result over the response cap instead of sending it', async () => {
    const small = await startHostile({
      limits: { maxResponseBytes: 16 * 1024, historyPageBytes: 1024 * 1024 },
    });
    try {
      const me = await signUp(small, 'meee');
      const room = await mutate(
        small,
        'rooms.create',
        { name: 'r', visibility: 'private' },
        me.token,
      );
      const id = resultOf<{ id: string }>(room.json).id;
      for (let i = 0; i < 10; i++) {
        await sendMessage(small.app.deps, me.user.id, {
          roomId: id,
          body: LONG,
          clientId: `c${i}`,
        });
      }
      const big = await query(small, 'messages.history', { roomId: id, limit: 10 }, me.token);
      expect(big.status).toBe(413);
      expect(errorOf(big.json).code).toBe('PAYLOAD_TOO_LARGE');
      expect(errorOf(big.json).message).toMatch(/more than the 16 KiB allowed/);
      expect(big.text.length).toBeLessThan(2_000);
      const fine = await query(small, 'messages.history', { roomId: id, limit: 1 }, me.token);
      expect(fine.status).toBe(200);
    } finally {
      await small.close();
    }
  });
});
