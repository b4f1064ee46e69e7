/**
 * The server built to plain JavaScript (apps/api/scripts/build.mjs) runs under `node` alone:
 * no tsx loader, no node_modules/.bin on PATH. (.ci/built-server goes further: a copy of the
 * built tree installed with `pnpm install --prod`, under the browser tests.)
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiDir, runServer } from '../support/process.js';

const run = promisify(execFile);
const outdir = path.join(apiDir, '.tmp', `built-${process.pid}`);
const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-built-'));

beforeAll(async () => {
  await run(process.execPath, ['scripts/build.mjs', '--outdir', outdir], { cwd: apiDir });
}, 120_000);
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the built server', () => {
  it('is plain JavaScript that imports only declared dependencies, with its migrations', () => {
    const main = readFileSync(path.join(outdir, 'main.js'), 'utf8');
    const manifest = JSON.parse(readFileSync(path.join(apiDir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const imported = [...main.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1] ?? '');
    expect(imported.length).toBeGreaterThan(0);
    for (const specifier of imported) {
      if (specifier.startsWith('node:')) continue;
      const name = specifier.startsWith('@')
        ? specifier.split('/').slice(0, 2).join('/')
        : (specifier.split('/')[0] ?? '');
      expect(Object.keys(manifest.dependencies), specifier).toContain(name);
      expect(name).not.toMatch(/^@parley\//);
    }
    expect(existsSync(path.join(outdir, 'migrations', 'meta', '_journal.json'))).toBe(true);
  });

  it('starts under node without tsx on the embedded database, and stops on SIGTERM', async () => {
    const server = runServer(
      { PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      path.join(outdir, 'main.js'),
    );
    try {
      const url = await server.url();
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(server.output()).toContain('migrated the database');
      // Memory after a first start: 823 MiB when PGlite ran initdb in the server's process with
      // its 128 MB buffer pool, ~245 MiB now (docs/design.md); 400 leaves room for noise.
      const status = `/proc/${server.child.pid}/status`;
      if (existsSync(status)) {
        const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(status, 'utf8'))?.[1]);
        expect(rssKiB / 1024).toBeLessThan(400);
      }
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
