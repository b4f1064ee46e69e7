/**
 * Shared by the browser tests and the screenshot script: a production build of the web app,
 * a production-mode API server on a fresh database, and Chromium.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, type RunningApp } from '@parley/api';
import type { AppRouter } from '@parley/api-contract';
import type { DbHandle } from '@parley/db';
import { createTestDb } from '@parley/db/testing';
import { createTRPCClient, httpLink } from '@trpc/client';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

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

/** Builds the web app into a temporary directory (fresh every run, so never stale). */
export async function buildWeb(): Promise<{ dir: string; cleanup(): void }> {
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
  app: RunningApp;
  db: DbHandle;
  close(): Promise<void>;
}

/** The API in production mode on a fresh database, serving the built web app. */
export async function startServer(webDist: string): Promise<TestServer> {
  const db = await createTestDb();
  const app = await createApp({
    db,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
    config: {
      port: 0,
      host: '127.0.0.1',
      webDist,
      secret: 'parley-browser-tests-secret-0123456789abcdef',
    },
  });
  return {
    url: app.url,
    app,
    db,
    close: async () => {
      await app.close();
      await db.close();
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
