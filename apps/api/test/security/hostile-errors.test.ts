/**
 * Hostile (issue 14, finding 3): a NUL byte (or any control character) in any string input is
 * refused by validation with a field message, never reaching the database; and an unexpected
 * failure (the database gone) reaches clients as INTERNAL_SERVER_ERROR with a generic message
 * and a request id, over HTTP and WebSocket, while the log keeps the detail under that id.
 */
import { Writable } from 'node:stream';
import type { AnyTRPCProcedure } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import { createLogger } from '../../src/logger.js';
import { appRouter } from '../../src/router.js';
import {
  errorOf,
  frameFor,
  type Hostile,
  mutate,
  query,
  RawSocket,
  resultOf,
  signUp,
  startHostile,
} from './hostile-support.js';

type Def = { type?: string; shape?: Record<string, ZodType>; innerType?: ZodType; in?: ZodType };
const defOf = (schema: ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Paths of every string field of an input schema (through optional, default, pipe…). */
function stringFields(schema: ZodType, path: string[] = []): string[][] {
  const def = defOf(schema);
  if (def.type === 'string') return [path];
  if (def.type === 'object' && def.shape) {
    return Object.entries(def.shape).flatMap(([key, field]) => stringFields(field, [...path, key]));
  }
  const inner = def.innerType ?? def.in;
  return inner ? stringFields(inner, path) : [];
}

function withValue(path: string[], value: string): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  let at = input;
  for (const key of path.slice(0, -1)) {
    const next: Record<string, unknown> = {};
    at[key] = next;
    at = next;
  }
  at[path.at(-1) ?? ''] = value;
  return input;
}

let server: Hostile;
let token: string;

describe('hostile: control characters and internal errors', () => {
  beforeAll(async () => {
    server = await startHostile();
    ({ token } = await signUp(server, 'victim'));
  });
  afterAll(() => server?.close());

  it('refuses a NUL (and other control characters) in every string input with a field message', async () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>;
    const tried: string[] = [];
    for (const [name, procedure] of Object.entries(procedures)) {
      const { type, inputs } = procedure._def as unknown as { type: string; inputs: ZodType[] };
      if (type === 'subscription' || !inputs[0]) continue;
      for (const field of stringFields(inputs[0])) {
        for (const bad of ['a\u0000b', 'x\u001bx', 'y\u0085y', '\ud800']) {
          const input = withValue(field, bad);
          const answer =
            type === 'query'
              ? await query(server, name, input, token)
              : await mutate(server, name, input, token);
          const label = `${name} ${field.join('.')} ${JSON.stringify(bad)}`;
          expect(answer.status, `${label}: ${answer.text}`).toBe(400);
          const issues = (
            errorOf(answer.json).data as { issues?: Array<{ path: string; message: string }> }
          )?.issues;
          expect(
            issues?.find((i) => i.path === field.join('.'))?.message,
            `${label}: ${answer.text}`,
          ).toMatch(/cannot contain control characters\.$/);
          expect(answer.text).not.toMatch(/insert|select|params|scrypt|\$/i);
        }
        tried.push(`${name}:${field.join('.')}`);
      }
    }
    // Sign-in and sign-up fields, names, bodies, search, token names, ids: all of them.
    expect(tried).toEqual(
      expect.arrayContaining([
        'auth.signUp:username',
        'auth.signUp:password',
        'auth.signUp:displayName',
        'auth.signIn:username',
        'rooms.create:name',
        'rooms.browse:search',
        'messages.send:body',
        'tokens.create:name',
      ]),
    );
    expect(tried.length).toBeGreaterThan(20);
  });

  it('keeps newlines and tabs in a message body, and turns CRLF into LF', async () => {
    const room = resultOf<{ id: string }>(
      (await mutate(server, 'rooms.create', { name: 'ok', visibility: 'private' }, token)).json,
    );
    const sent = await mutate(
      server,
      'messages.send',
      { roomId: room.id, body: 'line one\r\n\tline two', clientId: 'crlf' },
      token,
    );
    expect(sent.status).toBe(200);
    expect(resultOf<{ body: string }>(sent.json).body).toBe('line one\n\tline two');
  });

  it('answers a database outage with a generic message and a request id; the log has the detail', async () => {
    const lines: string[] = [];
    const log = createLogger(
      { logLevel: 'error' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const broken = await startHostile({}, { log });
    const { token: mine } = await signUp(broken, 'someone');
    const socket = RawSocket.as(broken, mine);
    await socket.opened;
    // Signed in (the socket's context is made) before the database goes away.
    socket.send({ id: 0, method: 'query', params: { path: 'auth.me' } });
    await socket.waitFor(frameFor(0));
    await broken.db.close();

    const overHttp = await mutate(
      broken,
      'rooms.create',
      { name: 'secret plan', visibility: 'public' },
      mine,
    );
    const overWs = await (async () => {
      socket.send({ id: 1, method: 'query', params: { path: 'rooms.list' } });
      return (await socket.waitFor(frameFor(1)))[0];
    })();
    const signUpAnswer = await mutate(broken, 'auth.signUp', {
      username: 'newcomer',
      password: 'hunter2 hunter2',
    });
    for (const [label, body, text] of [
      ['http', overHttp.json, overHttp.text],
      ['ws', overWs, JSON.stringify(overWs)],
      ['sign-up', signUpAnswer.json, signUpAnswer.text],
    ] as const) {
      const error = errorOf(body);
      expect(error.code, `${label}: ${text}`).toBe('INTERNAL_SERVER_ERROR');
      expect(error.message).toMatch(/^Something went wrong on the server \(request [0-9a-f]{12}\)/);
      const requestId = (error.data as { requestId?: string }).requestId ?? 'none';
      expect(error.message).toContain(requestId);
      expect(text).not.toMatch(/select|insert|from "|params|scrypt\$|secret plan|stack/i);
      // The log has the failure under the same id (parameters redacted).
      expect(lines.some((l) => l.includes(requestId))).toBe(true);
    }
    expect(lines.join('')).not.toContain('secret plan');
    socket.close();
    await broken.app.close();
  });
});
