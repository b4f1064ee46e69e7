/** Starting and talking to the bench's child processes (server.ts, subscribers.ts). */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { ServerRequest } from './server.js';
import type { StepStats, SubscriberRequest } from './subscribers.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** The environment a child starts from: this one, minus anything that would point it elsewhere. */
function baseEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _, PARLEY_DATA_DIR: __, PORT: ___, ...rest } = process.env;
  return rest;
}

function exited(child: ChildProcess, what: string): Promise<never> {
  return new Promise((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`${what} exited early (${signal ?? `code ${code}`})`)),
    ),
  );
}

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface BenchServer {
  port: number;
  pid: number;
  request<T>(request: Distribute<ServerRequest>): Promise<T>;
  stop(): Promise<void>;
}

let bundled: Promise<string> | undefined;

/**
 * server.ts as one esbuild bundle, built the way `pnpm build` builds the server (workspace
 * packages inlined, node_modules imports left as imports), so the bench measures the code that
 * `pnpm start` runs. Under tsx every function gets a `name` defined on it (esbuild's keepNames),
 * which gives each closure its own 256-byte property table: ~3 KiB more heap per subscribed
 * connection and a call per closure made, none of which the built server pays.
 */
function bundleServer(): Promise<string> {
  bundled ??= (async () => {
    // Inside apps/api, so that its imports resolve from apps/api/node_modules.
    const outfile = here('../node_modules/.cache/parley-bench/server.mjs');
    await build({
      entryPoints: [here('server.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20.19',
      sourcemap: 'linked',
      logLevel: 'warning',
      plugins: [
        {
          name: 'externals',
          setup(b) {
            b.onResolve({ filter: /^[^./]/ }, (args) =>
              args.path.startsWith('@parley/') ? undefined : { path: args.path, external: true },
            );
          },
        },
      ],
      define: {
        PARLEY_BUNDLED_MIGRATIONS: JSON.stringify(
          `${pathToFileURL(here('../../../packages/db/migrations')).href}/`,
        ),
      },
    });
    return path.resolve(outfile);
  })();
  return bundled;
}

export async function startServer(env: Record<string, string>): Promise<BenchServer> {
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each server, written when it exits.
  const profile = process.env.BENCH_CPU_PROF;
  const child = fork(await bundleServer(), {
    execArgv: [
      '--expose-gc',
      '--enable-source-maps',
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
    ],
    env: { ...baseEnv(), ...env },
  });
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  child.on('message', (m: { id: number; value?: unknown; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error !== undefined) w?.reject(new Error(m.error));
    else w?.resolve(m.value);
  });
  let next = 1;
  const died = exited(child, `bench server (${env.BENCH_SERVER})`);
  died.catch((error: Error) => {
    for (const w of waiting.values()) w.reject(error);
  });
  const listening = await Promise.race([
    new Promise<{ port: number }>((resolve, reject) =>
      waiting.set(0, { resolve, reject } as never),
    ),
    died,
  ]);
  return {
    port: listening.port,
    pid: child.pid ?? 0,
    request: <T>(request: Distribute<ServerRequest>) =>
      new Promise<T>((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ ...request, id });
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      // Asked to exit (it does when the IPC channel closes), so a CPU profile gets written.
      child.disconnect();
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(killer);
    },
  };
}

export interface Subscribers {
  count(step: number): Promise<number>;
  stats(step: number): Promise<StepStats>;
  stop(): Promise<void>;
}

/** Forks the subscriber process and resolves once all `count` sockets are subscribed. */
export async function startSubscribers(
  start: Extract<SubscriberRequest, { type: 'start' }>,
  timeoutMs = 120_000,
): Promise<Subscribers> {
  const child = fork(here('subscribers.ts'), { execArgv: ['--import', 'tsx'], env: baseEnv() });
  const died = exited(child, 'subscriber process');
  died.catch(() => {});
  const answer = <T>(type: string): Promise<T> =>
    Promise.race([
      new Promise<T>((resolve) => {
        const on = (m: { type: string; value: T }) => {
          if (m.type !== type) return;
          child.off('message', on);
          resolve(m.value);
        };
        child.on('message', on);
      }),
      died,
    ]);
  const ready = answer<void>('ready');
  child.send(start);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    ready,
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`subscribers not ready after ${timeoutMs} ms`)),
        timeoutMs,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  const ask = <T>(request: SubscriberRequest): Promise<T> => {
    const reply = answer<T>(request.type);
    child.send(request);
    return reply;
  };
  return {
    count: (step) => ask<number>({ type: 'count', step }),
    stats: (step) => ask<StepStats>({ type: 'stats', step }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    },
  };
}
