/**
 * Hostile (issue 14): kill -9 mid-send loses nothing acknowledged. Senders post messages as
 * fast as the server takes them while it is killed with SIGKILL (no shutdown of any kind);
 * started again on the same database, every send that was acknowledged is there exactly once,
 * at gap-free positions; sending the unacknowledged ones again with the same clientIds stores
 * each once (idempotency across the crash); and a subscriber resuming from an acknowledged
 * position gets exactly what came after, in order. On the embedded database (a data directory
 * on disk) and, when TEST_DATABASE_URL is set, on PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEmptyPostgresDb } from '@parley/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { frameFor, RawSocket } from '../security/hostile-support.js';
import { runServer, type ServerProcess } from '../support/process.js';

const SECRET = 'kill-nine-test-secret-0123456789-0123456789';
const PASSWORD = 'correct horse battery staple';
const SENDERS = 4;
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function post(base: string, path: string, input: unknown, token?: string) {
  const response = await fetch(`${base}/trpc/${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(input),
  });
  return { status: response.status, json: (await response.json()) as unknown };
}

const dataOf = <T>(json: unknown): T => (json as { result: { data: T } }).result.data;

interface Sent {
  id: string;
  position: number;
  clientId: string;
  body: string;
}

async function history(base: string, token: string, roomId: string): Promise<Sent[]> {
  const all: Sent[] = [];
  let before: number | undefined;
  for (;;) {
    const input = encodeURIComponent(JSON.stringify({ roomId, limit: 100, before }));
    const response = await fetch(`${base}/trpc/messages.history?input=${input}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const page = (
      (await response.json()) as { result: { data: { items: Sent[]; nextCursor: number | null } } }
    ).result.data;
    all.push(...page.items);
    if (page.nextCursor == null) return all.sort((a, b) => a.position - b.position);
    before = page.nextCursor;
  }
}

const targets: Array<[string, () => Promise<Record<string, string>>]> = [
  [
    'the embedded database',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'parley-kill-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return { PARLEY_DATA_DIR: dir };
    },
  ],
];
if (process.env.TEST_DATABASE_URL) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  targets.push([
    'PostgreSQL',
    async () => {
      const empty = await createEmptyPostgresDb(serverUrl);
      cleanups.push(() => empty.drop());
      return { DATABASE_URL: empty.url, PARLEY_MIGRATE: 'auto' };
    },
  ]);
}

describe.each(targets)('hostile: kill -9 mid-send on %s', (_name, database) => {
  it('loses nothing acknowledged; retries store once; resuming gets the rest in order', {
    timeout: 180_000,
  }, async () => {
    const env = {
      NODE_ENV: 'production',
      PARLEY_SECRET: SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PARLEY_SEND_RATE: '100000',
      PARLEY_SEND_BURST: '100000',
      ...(await database()),
    };
    let server: ServerProcess = runServer(env);
    cleanups.push(() => {
      server.child.kill('SIGKILL');
    });
    let base = await server.url();
    const signedUp = await post(base, 'auth.signUp', { username: 'writer', password: PASSWORD });
    const { token } = dataOf<{ token: string }>(signedUp.json);
    const room = await post(base, 'rooms.create', { name: 'log', visibility: 'public' }, token);
    const roomId = dataOf<{ id: string }>(room.json).id;

    // Senders that go on until the server is gone; what came back 200 is acknowledged.
    const acknowledged = new Map<string, Sent>();
    const attempted: string[] = [];
    let killed = false;
    const sender = async (k: number) => {
      for (let i = 0; ; i++) {
        const clientId = `s${k}-${i}`;
        attempted.push(clientId);
        try {
          const answer = await post(
            base,
            'messages.send',
            { roomId, body: `body of ${clientId}`, clientId },
            token,
          );
          if (answer.status !== 200) return;
          acknowledged.set(clientId, dataOf<Sent>(answer.json));
        } catch {
          return; // the connection died with the server
        }
        if (killed) return;
      }
    };
    const sending = Array.from({ length: SENDERS }, (_, k) => sender(k));
    while (acknowledged.size < 200) await new Promise((r) => setTimeout(r, 5));
    server.child.kill('SIGKILL');
    killed = true;
    await server.exit;
    await Promise.all(sending);
    expect(acknowledged.size).toBeGreaterThanOrEqual(200);
    // Killed mid-send: some sends were in flight and got no answer.
    expect(attempted.length).toBeGreaterThan(acknowledged.size);

    server = runServer(env);
    base = await server.url();
    const stored = await history(base, token, roomId);
    const byClient = new Map(stored.map((m) => [m.clientId, m]));
    for (const [clientId, ack] of acknowledged) {
      const found = byClient.get(clientId);
      expect(found, `acknowledged ${clientId} is missing`).toBeDefined();
      expect(found).toMatchObject({ id: ack.id, position: ack.position, body: ack.body });
    }
    expect(byClient.size).toBe(stored.length);
    expect(stored.map((m) => m.position)).toEqual(stored.map((_, i) => i + 1));

    // The sends that got no answer, sent again, and some that did: each is stored once, and the
    // acknowledged ones answer with what they were acknowledged as.
    const retried = attempted.filter((clientId, i) => !acknowledged.has(clientId) || i % 10 === 0);
    for (const clientId of retried) {
      const again = await post(
        base,
        'messages.send',
        { roomId, body: `body of ${clientId}`, clientId },
        token,
      );
      expect(again.status).toBe(200);
      const ack = acknowledged.get(clientId);
      if (ack) expect(dataOf<Sent>(again.json).id).toBe(ack.id);
    }
    const after = await history(base, token, roomId);
    expect(after.map((m) => m.clientId).sort()).toEqual([...new Set(attempted)].sort());
    expect(after.map((m) => m.position)).toEqual(after.map((_, i) => i + 1));

    // Resuming from an acknowledged position gets exactly what came after, in order.
    const from = [...acknowledged.values()][Math.floor(acknowledged.size / 2)]?.position ?? 1;
    const expected = after.filter((m) => m.position > from).map((m) => m.position);
    const socket = new RawSocket(`${base.replace(/^http/, 'ws')}/trpc`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    cleanups.push(() => socket.close());
    await socket.opened;
    socket.send({
      id: 1,
      method: 'subscription',
      params: { path: 'live.roomEvents', input: { roomId, lastEventId: String(from) } },
    });
    const isEvent = (m: unknown) =>
      frameFor(1)(m) && (m as { result?: { type?: string } }).result?.type === 'data';
    const events = await socket.waitFor(isEvent, expected.length);
    const positions = events.map(
      (m) => (m as { result: { data: { data: { position: number } } } }).result.data.data.position,
    );
    expect(positions).toEqual(expected);
    socket.close();

    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
  });
});
