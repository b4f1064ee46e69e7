/**
 * Redis stops for 10 s mid-traffic and comes back (a redis-server of this test's own, not the
 * shared one): sends keep working and persist, every subscriber on either node ends with
 * exactly the acknowledged messages in order, /readyz says Redis is down meanwhile, the log
 * says it once per node, and nothing crashes.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { freePort } from '../support/cluster.js';
import {
  clientId,
  collect,
  connect,
  type Person,
  shareRoom,
  signUp,
  startServer,
  type TestServer,
  waitFor,
} from '../support/harness.js';

const hasRedisServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasRedisServer) console.warn('[apps/api] skipping the Redis outage test: no redis-server');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      if (/Ready to accept connections/.test(out)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
}

describe.skipIf(!hasRedisServer)('a Redis outage', () => {
  let port: number;
  let redis: ChildProcess;
  let server: TestServer;
  let node2: RunningApp;
  const lines: string[] = [];
  const log = createLogger(
    { logLevel: 'info' },
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    server = await startServer({ redisUrl: `redis://127.0.0.1:${port}` }, log);
    node2 = await server.startSibling();
  });
  afterAll(async () => {
    await node2?.close();
    await server?.close();
    redis?.kill('SIGKILL');
  });

  it('loses and doubles nothing, and live delivery converges when Redis is back', async () => {
    const ana = await signUp(server.url, 'ana');
    const ben = await signUp(server.url, 'ben');
    const room = await shareRoom(ana, ben, 'outage');
    const on = (p: Person, url: string) => ({ ...p, ...connect(url, p.token) });
    const senders = [
      on(ana, server.url),
      on(ben, node2.url),
      on(ana, node2.url),
      on(ben, server.url),
    ];
    const feeds = senders.map((p) => collect(p, room.id));
    await waitFor(() => feeds.every((f) => f.started()), 'subscriptions on both nodes');

    const acked: { id: string; position: number }[] = [];
    let sending = true;
    const loops = senders.map(async (sender, s) => {
      for (let i = 0; sending; i++) {
        const id = clientId();
        for (;;) {
          try {
            const m = await sender.client.messages.send.mutate({
              roomId: room.id,
              body: `${s}-${i}`,
              clientId: id,
            });
            acked.push({ id: m.id, position: m.position });
            break;
          } catch {
            await sleep(50);
          }
        }
        await sleep(40);
      }
    });

    await sleep(1_000);
    redis.kill('SIGKILL');
    await sleep(1_500);
    const during = await fetch(`${node2.url}/readyz`);
    const body = (await during.json()) as { checks: Record<string, string> };
    expect(body.checks.redis).toBe('unreachable');
    const ackedBefore = acked.length;
    await sleep(8_500);
    expect(acked.length).toBeGreaterThan(ackedBefore + 20); // sends went on and persisted
    // The room goes quiet before Redis returns: no later message can reveal the gap, so the
    // subscribers on the other node must read it from the database when Redis is back.
    sending = false;
    await Promise.all(loops);
    redis = await startRedis(port);

    const expected = [...acked].sort((a, b) => a.position - b.position).map((a) => a.id);
    for (const [i, feed] of feeds.entries()) {
      await waitFor(
        () => feed.events.filter((e) => e.type === 'message.created').length >= expected.length,
        `subscriber ${i} to converge`,
        15_000,
      );
    }
    await sleep(300);
    for (const feed of feeds) {
      const ids = feed.events.filter((e) => e.type === 'message.created').map((e) => e.message.id);
      expect(ids).toEqual(expected);
    }
    const ready = (await (await fetch(`${node2.url}/readyz`)).json()) as {
      checks: Record<string, string>;
    };
    expect(ready.checks.redis).toBe('ok');
    // Once per node when it went, once when it came back: not once per message.
    expect(lines.filter((l) => l.includes('Redis unreachable'))).toHaveLength(2);
    expect(lines.filter((l) => l.includes('Redis is back'))).toHaveLength(2);

    for (const feed of feeds) feed.stop();
    for (const p of [...senders, ana, ben]) p.close();
  }, 60_000);
});
