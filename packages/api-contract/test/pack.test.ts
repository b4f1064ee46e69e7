/**
 * The package as a consumer outside the workspace gets it: `pnpm pack` (which builds), install
 * the tarball into a temporary project (its dependencies come from the registry), then
 * typecheck a consumer that calls procedures and relies on the inferred results, and import
 * the JavaScript in Node.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'parley-consumer-'));
    mkdirSync(npmCache, { recursive: true });
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('installs from its tarball and typechecks a consumer', { timeout: 300_000 }, async () => {
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
    expect(readdirSync(installedDir).sort()).toEqual(['dist', 'package.json']);
    for (const file of readdirSync(path.join(installedDir, 'dist'))) {
      const text = readFileSync(path.join(installedDir, 'dist', file), 'utf8');
      expect(text, file).not.toMatch(/apps\/api|@parley\/db|drizzle|pino|\.\.\/\.\.\//);
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
});
