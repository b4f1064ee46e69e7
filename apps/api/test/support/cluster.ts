import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findNginx, type LocalNginx, startNginx } from '../../../../scripts/nginx.mjs';
import { TEST_SECRET } from '../../src/testing.js';
import { runServer, type ServerProcess } from './process.js';

export { findNginx };

/** A port free right now on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Why the nginx cluster tests cannot run here, or null. */
export function clusterSkipReason(): string | null {
  if (!process.env.TEST_DATABASE_URL) return 'no TEST_DATABASE_URL';
  if (!process.env.TEST_REDIS_URL) return 'no TEST_REDIS_URL';
  if (!findNginx()) return 'no nginx on PATH (apt-get install nginx)';
  return null;
}

export interface NodeProcess {
  proc: ServerProcess;
  port: number;
  url: string;
}

/** Node settings for tests: quick keep-alive, generous limits, cheap password hashing. */
export function nodeEnv(extra: Record<string, string>): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    PARLEY_SECRET: TEST_SECRET,
    PARLEY_TRUST_PROXY: '1',
    PARLEY_WS_PING_MS: '500',
    PARLEY_WS_PONG_WAIT_MS: '500',
    PARLEY_SEND_RATE: '1000',
    PARLEY_SEND_BURST: '1000',
    PARLEY_RATE_AUTH: '1000/60',
    PARLEY_RATE_MEMBERSHIP: '1000/60',
    PARLEY_SCRYPT_N: '1024',
    PARLEY_DATA_DIR: '/nonexistent',
    ...extra,
  };
}

export async function startNodeProcess(env: Record<string, string>): Promise<NodeProcess> {
  const port = await freePort();
  const proc = runServer({ ...env, PORT: String(port) });
  await proc.url();
  return { proc, port, url: `http://127.0.0.1:${port}` };
}

/**
 * nginx with deploy/nginx.conf in front of `ports`, on a free port; with `pinned`, also one free
 * port per node that reaches only that node through a copy of the same blocks
 * (`pinnedUrls[i]` is node i's), so a test can choose a client's node.
 */
export async function startTestNginx(
  ports: number[],
  options: { pinned?: boolean } = {},
): Promise<LocalNginx & { dir: string; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-nginx-'));
  const pinned: number[] = [];
  if (options.pinned) for (const _ of ports) pinned.push(await freePort());
  const nginx = await startNginx({
    port: await freePort(),
    nodes: ports.map((p) => `127.0.0.1:${p}`),
    pinned,
    dir,
  });
  return {
    ...nginx,
    dir,
    async close() {
      await nginx.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
