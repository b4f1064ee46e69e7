/**
 * Hostile (issue 14, finding 5b): a page on the same site (another port) signed a user out with
 * a multipart form POST riding the session cookie. Cookie-authenticated HTTP mutations now need
 * an allowed Origin (or the web app's header when there is no Origin), and form content types
 * are refused; bearer-token calls are unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type Hostile, raw, resultOf, signUp, startHostile } from './hostile-support.js';

let server: Hostile;
let victim: Awaited<ReturnType<typeof signUp>>;
let cookie: string;
/** Same site, another port: SameSite=Lax cookies go along. */
const NEIGHBOUR = 'http://127.0.0.1:4399';

async function stillSignedIn(): Promise<boolean> {
  const me = await raw(server, 'auth.me', { headers: { Cookie: cookie } });
  return JSON.stringify(me.json).includes(victim.user.id);
}

describe('hostile: cross-site requests', () => {
  beforeAll(async () => {
    server = await startHostile();
    victim = await signUp(server, 'victim');
    cookie = `parley_session=${encodeURIComponent(victim.token)}`;
  });
  afterAll(() => server?.close());

  it('refuses a form POST from a neighbouring page, in every form content type', async () => {
    const forms: Array<[string, string]> = [
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n',
      ],
      ['application/x-www-form-urlencoded', 'a=b'],
      ['text/plain', '{}'],
    ];
    for (const [type, body] of forms) {
      for (const origin of [NEIGHBOUR, server.url]) {
        const answer = await raw(server, 'auth.signOut', {
          method: 'POST',
          headers: { Cookie: cookie, Origin: origin, 'Content-Type': type },
          body,
        });
        expect(answer.status, `${type} from ${origin}`).toBe(415);
        expect(errorOf(answer.json).code).toBe('UNSUPPORTED_MEDIA_TYPE');
      }
    }
    expect(await stillSignedIn()).toBe(true);
  });

  it('refuses a cookie-authenticated mutation from a foreign Origin, or with neither Origin nor the app header', async () => {
    for (const headers of [
      { Origin: NEIGHBOUR } as Record<string, string>,
      { Origin: 'https://evil.example' },
      { Origin: `${server.url}.evil.example` },
      {},
    ]) {
      const answer = await raw(server, 'rooms.create', {
        method: 'POST',
        headers: { Cookie: cookie, 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({ name: 'forged', visibility: 'public' }),
      });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(errorOf(answer.json).message).toMatch(/came from another site/);
    }
    const signOut = await raw(server, 'auth.signOut', {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/json', Origin: NEIGHBOUR },
      body: '{}',
    });
    expect(signOut.status).toBe(403);
    expect(await stillSignedIn()).toBe(true);
  });

  it('serves the app itself: its own Origin, or the app header without one', async () => {
    const own: Array<Record<string, string>> = [
      { Origin: server.url },
      { 'X-Parley-Client': 'web' },
    ];
    for (const headers of own) {
      const answer = await raw(server, 'rooms.create', {
        method: 'POST',
        headers: { Cookie: cookie, 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({
          name: `own ${JSON.stringify(headers).length}`,
          visibility: 'private',
        }),
      });
      expect(answer.status, JSON.stringify(headers)).toBe(200);
    }
  });

  it('leaves bearer-token calls and anonymous sign-in alone, whatever the Origin', async () => {
    const bearer = await raw(server, 'rooms.create', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${victim.token}`,
        'Content-Type': 'application/json',
        Origin: 'https://bot-dashboard.example',
      },
      body: JSON.stringify({ name: 'from a bot', visibility: 'private' }),
    });
    expect(bearer.status).toBe(200);
    const signIn = await raw(server, 'auth.signIn', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'victim', password: 'correct horse battery staple' }),
    });
    expect(signIn.status).toBe(200);
    expect(resultOf<{ token: string }>(signIn.json).token).toBeTruthy();
    // Signing in again with a stale cookie in the jar (another person on the same browser).
    const again = await raw(server, 'auth.signIn', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie },
      body: JSON.stringify({ username: 'victim', password: 'correct horse battery staple' }),
    });
    expect(again.status).toBe(200);
  });
});
