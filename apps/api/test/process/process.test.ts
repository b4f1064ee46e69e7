import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const apiDir = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-proc-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function run(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: apiDir,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exit };
}

describe('the server process', () => {
  it('starts on the embedded database (migrating it), serves /healthz, and exits 0 on SIGTERM', async () => {
    const proc = run({ PORT: '0', PARLEY_DATA_DIR: dataDir, NODE_ENV: 'development' });
    const deadline = Date.now() + 60_000;
    let url: string | undefined;
    while (!url && Date.now() < deadline) {
      url = /running at (http:\/\/\S+)/.exec(proc.output())?.[1];
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(url, proc.output()).toBeDefined();
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    proc.child.kill('SIGTERM');
    expect(await proc.exit).toBe(0);
  });

  it('refuses to start in production without PARLEY_SECRET, saying why', async () => {
    const proc = run({ PORT: '0', PARLEY_DATA_DIR: dataDir, NODE_ENV: 'production' });
    expect(await proc.exit).toBe(1);
    expect(proc.output()).toContain('PARLEY_SECRET is required in production');
  });
});
