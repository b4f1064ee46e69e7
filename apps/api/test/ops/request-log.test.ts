/**
 * Request logs: one line per HTTP request and per WebSocket open and close, with method, path
 * or procedure, status, duration, user id and a request id that is also the `X-Request-Id`
 * header and the id on the error lines of that request; never bodies, query strings or tokens.
 */
import { Writable } from 'node:stream';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLogger } from '../../src/logger.js';
import type { AppRouter } from '../../src/router.js';
import { startTestServer, type TestServer } from '../../src/testing.js';
import { testConfig, waitFor } from '../support/harness.js';

type Line = Record<string, unknown> & { msg: string };

const raw: string[] = [];
const lines = (): Line[] => raw.map((l) => JSON.parse(l) as Line);
const log = createLogger(
  { logLevel: 'debug' },
  new Writable({
    write(chunk, _enc, done) {
      raw.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  }),
);

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { ...testConfig, logLevel: 'debug' }, log });
});
afterAll(async () => {
  await server?.close();
});

async function call(path: string, init: RequestInit & { token?: string } = {}) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  const res = await fetch(`${server.url}/trpc/${path}`, { ...init, headers });
  const json = (await res.json()) as {
    result?: { data: unknown };
    error?: { message: string; data: { code: string; requestId?: string } };
  };
  return { res, json, id: res.headers.get('x-request-id') ?? 'none' };
}

/** The `http` line of a request, once the response has ended. */
async function httpLine(id: string): Promise<Line> {
  let found: Line | undefined;
  await waitFor(() => {
    found = lines().find((l) => l.msg === 'http' && l.reqId === id);
    return found !== undefined;
  }, `the log line of request ${id}`);
  return found as Line;
}

describe('request logs', () => {
  let token = '';
  let userId = '';

  it('log each HTTP request once, with its id (the X-Request-Id header) and no body', async () => {
    const signUp = await call('auth.signUp', {
      method: 'POST',
      body: JSON.stringify({ username: 'logged_user', password: PASSWORD, displayName: 'Lo' }),
    });
    expect(signUp.res.status).toBe(200);
    const result = signUp.json.result?.data as { token: string; user: { id: string } };
    token = result.token;
    userId = result.user.id;
    expect(signUp.id).toMatch(/^[0-9a-f]{12}$/);
    const line = await httpLine(signUp.id);
    expect(line).toMatchObject({
      level: 30,
      method: 'POST',
      path: '/trpc/auth.signUp',
      status: 200,
      userId: null,
    });
    expect(typeof line.ms).toBe('number');
    expect(lines().filter((l) => l.reqId === signUp.id && l.msg === 'http')).toHaveLength(1);

    // A query carries its input in the query string: the line has the path only.
    const input = encodeURIComponent(JSON.stringify({ search: 'classified-plans' }));
    const browse = await call(`rooms.browse?input=${input}`, { token });
    expect(browse.res.status).toBe(200);
    expect(await httpLine(browse.id)).toMatchObject({
      method: 'GET',
      path: '/trpc/rooms.browse',
      status: 200,
      userId,
    });

    const all = raw.join('\n');
    for (const secret of [PASSWORD, token, 'classified-plans', 'Bearer']) {
      expect(all).not.toContain(secret);
    }
  });

  it('put the request id on the lines of a call that fails, as the client sees it', async () => {
    const missing = await call(
      `rooms.byId?input=${encodeURIComponent(JSON.stringify({ roomId: crypto.randomUUID() }))}`,
      { token },
    );
    expect(missing.res.status).toBe(404);
    const refused = lines().find(
      (l) => l.msg === 'procedure refused' && l.requestId === missing.id,
    );
    expect(refused).toMatchObject({ code: 'NOT_FOUND', path: 'rooms.byId' });
    expect((await httpLine(missing.id)).status).toBe(404);
  });

  it('log a WebSocket connection opening and closing, with who it was', async () => {
    const ws = createWSClient({
      url: `${server.url.replace(/^http/, 'ws')}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: { token },
    });
    const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
    const me = await client.auth.me.query();
    expect(me?.id).toBe(userId);
    const open = lines().find((l) => l.msg === 'ws open');
    expect(open).toMatchObject({ path: '/trpc' });
    const connId = String(open?.connId);
    expect(connId).toMatch(/^[0-9a-f]{12}$/);
    await ws.close();
    let closed: Line | undefined;
    await waitFor(() => {
      closed = lines().find((l) => l.msg === 'ws close' && l.connId === connId);
      return closed !== undefined;
    }, 'the ws close line');
    expect(closed).toMatchObject({ userId, code: 1005 });
    expect(typeof closed?.ms).toBe('number');
    expect(raw.join('\n')).not.toContain(token);
  });

  it('give an unexpected failure the request id in the response, the header and the log', async () => {
    await server.db.close();
    // No credentials: the context needs no database, the procedure does.
    const failed = await call('auth.signIn', {
      method: 'POST',
      body: JSON.stringify({ username: 'logged_user', password: PASSWORD }),
    });
    expect(failed.json.error?.data.code).toBe('INTERNAL_SERVER_ERROR');
    expect(failed.json.error?.data.requestId).toBe(failed.id);
    expect(failed.json.error?.message).toContain(`(request ${failed.id})`);
    const error = lines().find((l) => l.msg === 'procedure failed' && l.requestId === failed.id);
    expect(error).toMatchObject({ level: 50, path: 'auth.signIn' });
    expect((await httpLine(failed.id)).status).toBe(500);

    // With credentials the context itself fails; the error still has the request's id.
    const noContext = await call('auth.me', { token });
    expect(noContext.json.error?.data.requestId).toBe(noContext.id);
    expect(lines().some((l) => l.msg === 'procedure failed' && l.requestId === noContext.id)).toBe(
      true,
    );
    expect(raw.join('\n')).not.toContain(PASSWORD);
  });
});
