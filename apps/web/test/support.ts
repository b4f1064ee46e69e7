/**
 * Shared by the browser tests and the screenshot script: a production build of the web app,
 * a production-mode API server on a fresh database, and Chromium.
 *
 * With `PARLEY_TEST_BUILT_TREE=<dir>` (a built Parley tree, e.g. installed with
 * `pnpm install --prod`; see .ci/built-server) the tests use that tree's built web app and
 * start its built server with `node scripts/parley.mjs start`, with every node_modules/.bin
 * taken off PATH, instead of building with Vite and running the server in this process.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { later, startTestServer } from '@parley/api/testing';
import type { AppRouter } from '@parley/api-contract';
import { createEmptyPostgresDb } from '@parley/db/testing';
import { createTRPCClient, httpLink } from '@trpc/client';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const webRoot = fileURLToPath(new URL('..', import.meta.url));

export const chromiumPath = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
export const browserRequired = process.env.PARLEY_REQUIRE_BROWSER === '1';
export const hasChromium = existsSync(chromiumPath);

/** Why browser tests cannot run here, or null when they can. */
export function browserSkipReason(): string | null {
  if (hasChromium) return null;
  const reason = `Chromium not found at ${chromiumPath} (set PARLEY_CHROMIUM)`;
  if (browserRequired) throw new Error(`${reason}, and PARLEY_REQUIRE_BROWSER=1 requires it.`);
  return reason;
}

/** A built Parley tree to test instead of this one's sources, or null. */
export const builtTree = process.env.PARLEY_TEST_BUILT_TREE
  ? path.resolve(process.env.PARLEY_TEST_BUILT_TREE)
  : null;

/** Builds the web app into a temporary directory (fresh every run, so never stale). */
export async function buildWeb(): Promise<{ dir: string; cleanup(): void }> {
  if (builtTree) {
    const dir = path.join(builtTree, 'apps/web/dist');
    if (!existsSync(path.join(dir, 'index.html'))) throw new Error(`${dir} holds no build`);
    return { dir, cleanup: () => {} };
  }
  const { build } = await import('vite');
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-web-'));
  // Under vitest NODE_ENV is 'test', which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      mode: 'production',
      root: webRoot,
      configFile: path.join(webRoot, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: dir, emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestServer {
  url: string;
  /** Stops the server and keeps its database: it is down until `start`. */
  stop(): Promise<void>;
  /** Starts it again after `stop`, on the same database, at the same URL. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const SECRET = 'parley-browser-tests-secret-0123456789abcdef';

/** The API in production mode on a fresh database, serving the built web app. */
export async function startServer(webDist: string): Promise<TestServer> {
  if (builtTree) return startBuiltServer(builtTree, webDist);
  const server = await startTestServer({
    env: { NODE_ENV: 'production' },
    config: { webDist, logLevel: 'warn', secret: SECRET },
  });
  return {
    url: server.url,
    stop: () => server.stop(),
    start: async () => {
      await server.start();
    },
    close: () => server.close(),
  };
}

/**
 * `node scripts/parley.mjs start` in a built tree, on a fresh database (a new PostgreSQL
 * database with TEST_DATABASE_URL, else an embedded one in a temporary directory), with no
 * node_modules/.bin on PATH, so no dev tool can be reached.
 */
async function startBuiltServer(tree: string, webDist: string): Promise<TestServer> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const pg = serverUrl ? await createEmptyPostgresDb(serverUrl) : null;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-built-'));
  const PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => !dir.includes('node_modules'))
    .join(path.delimiter);
  const run = async (port: number) => {
    const child = spawn(process.execPath, ['scripts/parley.mjs', 'start'], {
      cwd: tree,
      env: {
        PATH,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        HOST: '127.0.0.1',
        PARLEY_SECRET: SECRET,
        PARLEY_WEB_DIST: webDist,
        PARLEY_DATA_DIR: dataDir,
        ...(pg ? { DATABASE_URL: pg.url, PARLEY_MIGRATE: 'auto' } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (d) => process.stderr.write(d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        output += d;
        const found = /running at (http:\/\/\S+)/.exec(output)?.[1];
        if (found) resolve(found.replace('localhost', '127.0.0.1'));
      });
      void exited.then((code) => reject(new Error(`the built server exited (${code}): ${output}`)));
    });
    const stop = async () => {
      child.kill('SIGTERM');
      await exited;
    };
    return { url, stop };
  };
  let running: Awaited<ReturnType<typeof run>> | null = await run(0);
  const url = running.url;
  return {
    url,
    stop: async () => {
      await running?.stop();
      running = null;
    },
    start: async () => {
      running ??= await run(Number(new URL(url).port));
    },
    close: async () => {
      await running?.stop();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A typed tRPC client for seeding, signed in with a bearer token when given. */
export function apiClient(url: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      }),
    ],
  });
}
export type ApiClient = ReturnType<typeof apiClient>;

/** Creates an account and returns a client signed in as it. */
export async function seedUser(url: string, username: string, displayName: string) {
  const { token, user } = await apiClient(url).auth.signUp.mutate({
    username,
    displayName,
    password: SEED_PASSWORD,
  });
  return { user, client: apiClient(url, token) };
}

export const SEED_PASSWORD = 'seed-password-1';

/** Signs a browser context in over HTTP (the session cookie lands in its jar). */
export async function signInContext(
  context: BrowserContext,
  url: string,
  username: string,
  password = SEED_PASSWORD,
): Promise<void> {
  const res = await context.request.post(`${url}/trpc/auth.signIn`, {
    data: { username, password },
  });
  if (!res.ok()) throw new Error(`sign-in failed for ${username}: HTTP ${res.status()}`);
}

export interface TwoBrowsers<Username extends string = string> {
  server: TestServer;
  browser: Browser;
  ctxA: BrowserContext;
  ctxB: BrowserContext;
  /** A's page (signed in as the first of `people`, if any), B's (the second). */
  a: Page;
  b: Page;
  /** Each of `people`, signed in over the API, by username. */
  api: Record<Username, ApiClient>;
}

/**
 * A file's (or describe block's) browser fixture: before its tests, the web app is built and
 * served by a fresh production-mode server, `people` are made over
 * the API, and Chromium opens two contexts with a page each, A signed in as the first person
 * and B as the second (nobody without `people`); page errors go to the test's output. After
 * them, everything closes. Register the file's own seeding in a beforeAll after this call.
 */
export function twoBrowsers<const Username extends string = never>(
  options: {
    /** Username → display name, in order: A is the first, B the second. */
    people?: Record<Username, string>;
    viewport?: { width: number; height: number };
    /** B's context beyond the viewport (e.g. permissions), and a script it runs in each page. */
    contextB?: BrowserContextOptions;
    initScriptB?: string;
  } = {},
): TwoBrowsers<Username> {
  const { viewport = { width: 1200, height: 800 } } = options;
  const people = Object.entries(options.people ?? {}) as [Username, string][];
  let web: Awaited<ReturnType<typeof buildWeb>> | undefined;
  let made: TwoBrowsers<Username> | undefined;
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    web = await buildWeb();
    server = await startServer(web.dir);
    const api = {} as Record<Username, ApiClient>;
    for (const [username, displayName] of people)
      api[username] = (await seedUser(server.url, username, displayName)).client;
    browser = await launchChromium();
    const ctxA = await browser.newContext({ viewport });
    const ctxB = await browser.newContext({ viewport, ...options.contextB });
    if (options.initScriptB) await ctxB.addInitScript(options.initScriptB);
    const pages: Page[] = [];
    for (const [i, ctx] of [ctxA, ctxB].entries()) {
      ctx.setDefaultTimeout(15_000);
      const person = people[i];
      if (person) await signInContext(ctx, server.url, person[0]);
      const page = await ctx.newPage();
      page.on('pageerror', (e) => console.error(`[browser] ${e.message}`));
      pages.push(page);
    }
    const [a, b] = pages as [Page, Page];
    made = { server, browser, ctxA, ctxB, a, b, api };
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    web?.cleanup();
  });
  const part = <K extends keyof TwoBrowsers<Username>>(key: K) =>
    later(() => made?.[key], `twoBrowsers().${key}`);
  const api = {} as Record<Username, ApiClient>;
  for (const [username] of people)
    api[username] = later(() => made?.api[username], `twoBrowsers().api.${username}`);
  return {
    server: part('server'),
    browser: part('browser'),
    ctxA: part('ctxA'),
    ctxB: part('ctxB'),
    a: part('a'),
    b: part('b'),
    api,
  };
}
