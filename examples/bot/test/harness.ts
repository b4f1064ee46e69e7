/** Shared by the bot tests: waiting for a condition, and a bot run as a child process. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const botDir = fileURLToPath(new URL('..', import.meta.url));

export async function until<T>(
  check: () => T | undefined | false,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface BotProcess {
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  exited: Promise<number | null>;
  running(): boolean;
  kill(signal: NodeJS.Signals): void;
}

/** Runs `src/<script>` with tsx, as `pnpm start` would, with the given environment. */
export function runBot(script: string, env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', `src/${script}`], {
    cwd: botDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    output: () => output,
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
    kill: (signal) => child.kill(signal),
  };
}
