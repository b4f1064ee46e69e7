#!/usr/bin/env node
/**
 * `pnpm build`, `pnpm start` and `pnpm db:*`, in plain Node (no dev tool at run time).
 *
 *   node scripts/parley.mjs build          builds the contract, the server and the web app
 *   node scripts/parley.mjs start          starts the built server, building first if needed
 *   node scripts/parley.mjs db <command>   the database CLI (migrate, backup, restore)
 *
 * A build records a hash of its inputs (sources, migrations, manifests, lockfile) in
 * `dist/.inputs-hash`; `start` rebuilds a part only when that hash no longer matches, i.e. the
 * build is missing or the sources changed since (a content hash, not mtimes: copies and
 * checkouts do not look stale). On a tree installed with `pnpm install --prod` there are no
 * build tools: a fresh build starts; a missing one is an error; a stale one starts with a
 * warning.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const at = (...p) => path.join(root, ...p);

/** What each built part is made from, and where it goes. */
const PARTS = {
  api: {
    filter: '@parley/api',
    output: at('apps/api/dist'),
    entry: at('apps/api/dist/main.js'),
    inputs: [
      'apps/api/src',
      'apps/api/scripts',
      'apps/api/package.json',
      'packages/db/src',
      'packages/db/migrations',
      'packages/db/package.json',
      'packages/api-contract/src',
      'pnpm-lock.yaml',
    ],
  },
  web: {
    filter: '@parley/web',
    output: at('apps/web/dist'),
    entry: at('apps/web/dist/index.html'),
    inputs: [
      'apps/web/src',
      'apps/web/public',
      'apps/web/index.html',
      'apps/web/vite.config.ts',
      'apps/web/package.json',
      'packages/api-contract/src',
      'pnpm-lock.yaml',
    ],
  },
};

function files(rel) {
  const full = at(rel);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [rel];
  return readdirSync(full, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

export function inputsHash(part) {
  const hash = createHash('sha256');
  for (const file of PARTS[part].inputs.flatMap(files)) {
    hash
      .update(`${file}\0`)
      .update(readFileSync(at(file)))
      .update('\0');
  }
  return hash.digest('hex');
}

const stampOf = (part) => path.join(PARTS[part].output, '.inputs-hash');

/** 'fresh', 'stale' or 'missing'. */
export function buildState(part) {
  if (!existsSync(PARTS[part].entry) || !existsSync(stampOf(part))) return 'missing';
  return readFileSync(stampOf(part), 'utf8').trim() === inputsHash(part) ? 'fresh' : 'stale';
}

function pnpm(args) {
  // Under `pnpm run`, npm_execpath is pnpm's own entry point: use the same pnpm.
  const execpath = process.env.npm_execpath;
  const [cmd, prefix] =
    execpath && /pnpm/.test(path.basename(execpath)) && /\.[cm]?js$/.test(execpath)
      ? [process.execPath, [execpath]]
      : ['pnpm', []];
  const res = spawnSync(cmd, [...prefix, ...args], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

function buildPart(part) {
  const hash = inputsHash(part);
  pnpm(['--filter', PARTS[part].filter, 'run', 'build']);
  writeFileSync(stampOf(part), `${hash}\n`);
}

/** Whether the dev dependencies that build a part are installed (not after --prod). */
const canBuild = (part) =>
  existsSync(at(part === 'api' ? 'apps/api/node_modules/esbuild' : 'apps/web/node_modules/vite'));

function ensureBuilt(parts) {
  for (const part of parts) {
    const state = buildState(part);
    if (state === 'fresh') continue;
    if (canBuild(part)) {
      console.log(`[parley] the ${part} build is ${state}: building it`);
      buildPart(part);
    } else if (state === 'stale') {
      console.warn(
        `[parley] warning: the ${part} build in ${path.relative(root, PARTS[part].output)} is older than the sources, and the build tools are not installed (pnpm install --prod): starting it as it is. Run \`pnpm install && pnpm build\` to rebuild.`,
      );
    } else {
      console.error(
        `[parley] there is no ${part} build in ${path.relative(root, PARTS[part].output)}, and the build tools are not installed (pnpm install --prod). Run \`pnpm install && pnpm build\` first.`,
      );
      process.exit(1);
    }
  }
}

async function runBuilt(file, argv) {
  // Stack traces point at the TypeScript sources (the bundles have linked source maps).
  process.setSourceMapsEnabled(true);
  process.argv = [process.argv[0], file, ...argv];
  await import(pathToFileURL(file).href);
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'build') {
  pnpm(['--filter', '@parley/api-contract', 'run', 'build']);
  buildPart('api');
  buildPart('web');
} else if (command === 'start') {
  ensureBuilt(['api', 'web']);
  await runBuilt(PARTS.api.entry, rest);
} else if (command === 'db') {
  ensureBuilt(['api']);
  await runBuilt(at('apps/api/dist/db.js'), rest);
} else {
  console.error('usage: node scripts/parley.mjs build | start | db <command>');
  process.exit(2);
}
