import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const apiDir = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  exit: Promise<number | null>;
  /** Its URL once it says it is running; rejects if it exits first or after `timeoutMs`. */
  url(timeoutMs?: number): Promise<string>;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

/** PATH without any node_modules/.bin: no dev tool (tsx, vite, …) can be reached through it. */
export function pathWithoutNodeModules(): string {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => !dir.includes('node_modules'))
    .join(path.delimiter);
}

/**
 * Runs the server as its own process: from the TypeScript sources through tsx, or with
 * `script` a built entry point run by plain node. The environment is only PATH plus `env`.
 */
export function runServer(env: Record<string, string>, script?: string): ServerProcess {
  const args = script ? ['--enable-source-maps', script] : ['--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: apiDir,
    env: { PATH: script ? pathWithoutNodeModules() : (process.env.PATH ?? ''), ...env },
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
  let exited = false;
  void exit.then(() => {
    exited = true;
  });
  return {
    child,
    output: () => out,
    exit,
    url: async (timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const url = /running at (http:\/\/\S+)/.exec(out)?.[1];
        if (url) return url.replace('localhost', '127.0.0.1');
        if (exited) throw new Error(`the server exited before it was running:\n${out}`);
        if (Date.now() > deadline) throw new Error(`the server did not start in time:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      return exit;
    },
  };
}
