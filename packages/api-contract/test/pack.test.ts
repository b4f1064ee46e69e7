/**
 * The package as a consumer outside the workspace gets it: `pnpm pack` (which builds), install
 * the tarball into a temporary project beside the newest @trpc/client and @trpc/server 11.x
 * from the registry (newer than the workspace's), then typecheck a consumer that calls
 * procedures and relies on the inferred results, import the JavaScript in Node, and call a
 * running server through it: tRPC is the consumer's one copy (the package's peer dependency),
 * so `isTRPCClientError` from the consumer's @trpc/client holds for Parley's errors.
 *
 * Skipped, saying so, only when the npm registry cannot be reached.
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../../apps/api/src/testing.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const versionOf = (name: string): string => {
  const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as {
    version: string;
  };
  return manifest.version;
};

// Kept between runs so that a second run installs from the cache.
const npmCache = path.join(os.tmpdir(), 'parley-npm-cache');

const NETWORK_FAILURE =
  /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network/i;

/** The newest @trpc/client 11.x on the registry, or null when the registry is unreachable. */
async function newestTrpc11(): Promise<string | null> {
  try {
    const { stdout } = await run(
      'npm',
      ['view', '@trpc/client@^11', 'version', '--json', '--cache', npmCache, '--prefer-online'],
      { env: { ...process.env, npm_config_loglevel: 'error' }, timeout: 60_000 },
    );
    const parsed: unknown = JSON.parse(stdout);
    const versions = (Array.isArray(parsed) ? parsed : [parsed]).map(String);
    return versions.sort(compareVersions).at(-1) ?? null;
  } catch (error) {
    const text = `${(error as { stderr?: string }).stderr ?? ''} ${String(error)}`;
    if (NETWORK_FAILURE.test(text)) return null;
    throw error;
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10));
  const pb = b.split('.').map((n) => Number.parseInt(n, 10));
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

const UNREACHABLE = 'npm registry unreachable: the packed package cannot be installed';

/** Every installed copy of `name` under `dir`'s node_modules, nested ones included. */
function copiesOf(dir: string, name: string): string[] {
  const found: string[] = [];
  const walk = (modules: string) => {
    let entries: string[];
    try {
      entries = readdirSync(modules);
    } catch {
      return;
    }
    for (const entry of entries) {
      const packages = entry.startsWith('@')
        ? readdirSync(path.join(modules, entry)).map((n) => `${entry}/${n}`)
        : [entry];
      for (const pkg of packages) {
        const at = path.join(modules, pkg);
        if (pkg === name && existsSync(path.join(at, 'package.json'))) found.push(at);
        walk(path.join(at, 'node_modules'));
      }
    }
  };
  walk(path.join(dir, 'node_modules'));
  return found;
}

/** Run in the consumer's directory: calls a server and reports how its errors read. */
const caller = `
import { createParleyClient, readParleyError } from '@parley/api-contract';
import { isTRPCClientError, TRPCClientError } from '@trpc/client';
import WebSocket from 'ws';

const { api, close } = createParleyClient({ url: process.argv[2], WebSocket });
const read = (err) => ({ isTRPCClientError: isTRPCClientError(err), instance: err instanceof TRPCClientError, ...readParleyError(err) });
const out = {};
await api.auth.signIn.mutate({ username: 'nobody_here', password: 'not the password' }).catch((e) => { out.http = read(e); });
await api.auth.signUp.mutate({ username: 'ok_name', password: 'short' }).catch((e) => { out.invalid = read(e); });
out.ws = await new Promise((resolve) => {
  api.live.roomEvents.subscribe({ roomId: '00000000-0000-4000-8000-000000000000' }, { onError: (e) => resolve(read(e)) });
});
await close();
console.log(JSON.stringify(out));
`;

const consumer = `
import {
  createParleyClient,
  messageInputs,
  type RoomEvent,
  type RouterInputs,
  type RouterOutputs,
} from '@parley/api-contract';
import { LIMITS } from '@parley/api-contract/limits';
import WebSocket from 'ws';

const { api, close } = createParleyClient({ url: 'http://127.0.0.1:3000', token: 'pat_x', WebSocket });

export async function main(roomId: string): Promise<void> {
  const me = await api.auth.me.query();
  const username: string | undefined = me?.username;

  const sent = await api.messages.send.mutate({ roomId, body: 'hello', clientId: 'c-1' });
  const position: number = sent.position;
  const author: string = sent.author.displayName;
  // @ts-expect-error a message needs a clientId
  await api.messages.send.mutate({ roomId, body: 'hello' });
  // @ts-expect-error the body is a string
  await api.messages.send.mutate({ roomId, body: 42, clientId: 'c-2' });

  const page = await api.messages.history.query({ roomId, limit: LIMITS.historyPageMax });
  const bodies: string[] = page.items.map((m) => m.body);
  const next: number | null = page.nextCursor;

  const rooms: RouterOutputs['rooms']['list'] = await api.rooms.list.query();
  const unread: number | undefined = rooms[0]?.unread;
  // @ts-expect-error no such procedure
  await api.rooms.destroy.mutate({ roomId });

  const created = await api.tokens.create.mutate({ name: 'deploys' });
  const secret: string = created.secret;

  const input: RouterInputs['live']['roomEvents'] = { roomId, lastEventId: null };
  const subscription = api.live.roomEvents.subscribe(input, {
    onData: (tracked) => {
      const event: RoomEvent = tracked.data;
      if (tracked.data.type === 'message.created') {
        const text: string = tracked.data.message.body;
        console.log(tracked.id, text);
      }
      // @ts-expect-error events have no such type
      if (event.type === 'message.exploded') return;
    },
  });
  subscription.unsubscribe();

  const parsed = messageInputs.send.parse({ roomId, body: ' hi ', clientId: 'c-3' });
  console.log(username, position, author, bodies, next, unread, secret, parsed.body);
  await close();
}
`;

describe('the packed package, outside the workspace', () => {
  let dir: string;
  let trpc: string | null;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'parley-consumer-'));
    mkdirSync(npmCache, { recursive: true });
    trpc = await newestTrpc11();
    if (!trpc) console.warn(`[api-contract] skipping the packed-package tests: ${UNREACHABLE}`);
  }, 90_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('installs from its tarball and typechecks a consumer', { timeout: 300_000 }, async (ctx) => {
    if (!trpc) return ctx.skip(UNREACHABLE);
    expect(path.relative(packageDir, dir).startsWith('..')).toBe(true);
    await run('pnpm', ['pack', '--pack-destination', dir], { cwd: packageDir });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();

    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: 'parley-consumer',
        private: true,
        type: 'module',
        dependencies: {
          '@parley/api-contract': `file:./${tarball}`,
          '@trpc/client': trpc,
          '@trpc/server': trpc,
          ws: versionOf('ws'),
        },
        devDependencies: {
          typescript: versionOf('typescript'),
          '@types/ws': versionOf('@types/ws'),
        },
      }),
    );
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          // Only what the consumer installs: no @types/node from anywhere else.
          types: [],
        },
        files: ['consumer.ts'],
      }),
    );
    writeFileSync(path.join(dir, 'consumer.ts'), consumer);

    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--cache', npmCache],
      { cwd: dir, env: { ...process.env, npm_config_loglevel: 'error' } },
    );
    // Nothing of the server came along.
    const installed = readdirSync(path.join(dir, 'node_modules'));
    for (const name of ['@parley', '@trpc', 'zod']) expect(installed).toContain(name);
    for (const name of ['drizzle-orm', 'postgres', '@electric-sql', 'pino']) {
      expect(installed).not.toContain(name);
    }
    expect(readdirSync(path.join(dir, 'node_modules', '@parley'))).toEqual(['api-contract']);

    // The package is its built files only, and they name nothing of the workspace.
    const installedDir = path.join(dir, 'node_modules', '@parley', 'api-contract');
    expect(readdirSync(installedDir).sort()).toEqual([
      'LICENSE',
      'README.md',
      'dist',
      'package.json',
    ]);
    for (const file of readdirSync(path.join(installedDir, 'dist'))) {
      const text = readFileSync(path.join(installedDir, 'dist', file), 'utf8');
      expect(text, file).not.toMatch(/apps\/api|@parley\/db|drizzle|pino|\.\.\/\.\.\//);
      // tRPC's internals, which change in any release, are not part of the published types.
      expect(text, file).not.toContain('unstable-core-do-not-import');
    }

    const tsc = path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
    const output = await run(process.execPath, [tsc, '-p', dir]).then(
      () => '',
      (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`,
    );
    // Declarations are checked too (skipLibCheck is off), ours included. @trpc/server's own
    // ws adapter declarations do not check against the ESM types of current @types/ws
    // ("Namespace 'WebSocket' has no exported member …"): that is upstream, not ours.
    const errors = output
      .split('\n')
      .filter((line) => /error TS\d+/.test(line))
      .filter((line) => !/node_modules\/@trpc\/server\/dist\/ws-[\w-]+\.d\.mts/.test(line));
    expect(errors).toEqual([]);
    expect(output === '' || output.includes('error TS')).toBe(true);

    // The JavaScript loads in plain Node with only the registry's dependencies.
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import('@parley/api-contract');
         console.log(typeof m.createParleyClient, typeof m.messageInputs.send.parse);`,
      ],
      { cwd: dir },
    );
    expect(stdout.trim()).toBe('function function');
  });

  it("uses the consumer's tRPC: one copy, and its isTRPCClientError holds for Parley's errors", {
    timeout: 120_000,
  }, async (ctx) => {
    if (!trpc) return ctx.skip(UNREACHABLE);
    // Newer than the workspace's tRPC, and the only copy of it in the consumer's tree.
    expect(compareVersions(trpc, versionOf('@trpc/client'))).toBeGreaterThanOrEqual(0);
    const clients = copiesOf(dir, '@trpc/client');
    expect(clients).toEqual([path.join(dir, 'node_modules', '@trpc', 'client')]);
    expect(copiesOf(dir, '@trpc/server')).toHaveLength(1);
    expect(copiesOf(dir, 'zod')).toHaveLength(1);
    const installed = JSON.parse(
      readFileSync(path.join(clients[0] ?? '', 'package.json'), 'utf8'),
    ) as { version: string };
    expect(installed.version).toBe(trpc);

    const server = await startTestServer();
    try {
      writeFileSync(path.join(dir, 'caller.mjs'), caller);
      const { stdout } = await run(process.execPath, ['caller.mjs', server.url], { cwd: dir });
      type Read = { isTRPCClientError: boolean; code: string; fields: Record<string, string> };
      const out = JSON.parse(stdout) as Record<'http' | 'invalid' | 'ws', Read>;
      expect(out.http).toMatchObject({
        isTRPCClientError: true,
        instance: true,
        code: 'UNAUTHORIZED',
        fields: {},
      });
      expect(out.invalid).toMatchObject({ isTRPCClientError: true, code: 'BAD_REQUEST' });
      expect(Object.keys(out.invalid.fields)).toEqual(['password']);
      expect(out.invalid.fields.password).toMatch(/\w/);
      expect(out.ws).toMatchObject({
        isTRPCClientError: true,
        instance: true,
        code: 'UNAUTHORIZED',
      });
    } finally {
      await server.close();
    }
  });
});
