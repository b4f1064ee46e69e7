/**
 * A consumer's bundle of @parley/api-contract holds the client, tRPC's client and zod, and
 * nothing of the server: no server files, no database layer, Drizzle, postgres, PGlite or pino.
 */
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

const FORBIDDEN: [string, RegExp][] = [
  ['the server', /(^|\/)apps\/api\//],
  ['the database layer', /(^|\/)packages\/db\/|@parley\/db/],
  ['Drizzle', /drizzle-orm/],
  ['postgres', /node_modules\/postgres\/|\.pnpm\/postgres@/],
  ['PGlite', /@electric-sql\/pglite|\.pnpm\/@electric-sql\+pglite/],
  ['pino', /node_modules\/pino|\.pnpm\/pino/],
  ['ws', /node_modules\/ws\/|\.pnpm\/ws@/],
];

function offenders(metafile: Metafile): string[] {
  const found = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    for (const [what, pattern] of FORBIDDEN) if (pattern.test(input)) found.add(what);
  }
  return [...found];
}

async function bundle(contents: string, platform: 'browser' | 'node') {
  const result = await build({
    stdin: { contents, resolveDir: packageDir, loader: 'ts', sourcefile: 'consumer.ts' },
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform,
    logLevel: 'silent',
  });
  return result.metafile;
}

describe('a bundle of a consumer', () => {
  it('holds the client and schemas and nothing of the server (browser build)', async () => {
    const metafile = await bundle(
      `import { createParleyClient, messageInputs, LIMITS, type RouterOutputs } from '@parley/api-contract';
       type Sent = RouterOutputs['messages']['send'];
       const { api } = createParleyClient({ url: location.origin, token: 'pat_x' });
       export const send = (roomId: string): Promise<Sent> =>
         api.messages.send.mutate(messageInputs.send.parse({ roomId, body: 'hi', clientId: 'x' }));
       export const max = LIMITS.bodyMax;`,
      'browser',
    );
    const inputs = Object.keys(metafile.inputs);
    // It is a real bundle of the client: the package's sources, tRPC's client and zod are in.
    expect(inputs.some((i) => i.includes('api-contract/src/client.ts'))).toBe(true);
    expect(inputs.some((i) => i.includes('@trpc/client'))).toBe(true);
    expect(inputs.some((i) => i.includes('zod'))).toBe(true);
    expect(offenders(metafile)).toEqual([]);
  });

  it('would catch server code (a consumer that imports the router itself)', async () => {
    const metafile = await bundle(
      `export { appRouter } from '../../apps/api/src/router.js';`,
      'node',
    );
    expect(offenders(metafile)).toEqual(expect.arrayContaining(['the server', 'Drizzle']));
  });
});
