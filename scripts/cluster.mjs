#!/usr/bin/env node
/**
 * `pnpm cluster [N]`: nginx (deploy/nginx.conf) in front of N API nodes (2 by default) on the
 * real PostgreSQL and Redis, for trying a cluster locally. Ctrl-C stops everything.
 *
 *   DATABASE_URL   default postgres://postgres@127.0.0.1:5432/parley (created if missing)
 *   REDIS_URL      default redis://127.0.0.1:6379
 *   CLUSTER_PORT   nginx's port, default 8080; node i listens on CLUSTER_PORT + i
 *
 * The first node migrates the database (PARLEY_MIGRATE=auto) before the others start, as a
 * deployment runs migrations once. Nodes share the development secret in PARLEY_DATA_DIR.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startNginx } from './nginx.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const count = Number(process.argv[2] ?? 2);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const port = Number(process.env.CLUSTER_PORT ?? 8080);
const dataDir = process.env.PARLEY_DATA_DIR ?? path.join(root, '.parley');

async function ensureDatabase() {
  // The postgres client is the database package's dependency.
  const from = createRequire(path.join(root, 'packages/db/package.json'));
  const { default: postgres } = await import(pathToFileURL(from.resolve('postgres')).href);
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${name}`;
    if (rows.length === 0) await admin.unsafe(`create database "${name.replaceAll('"', '')}"`);
  } finally {
    await admin.end();
  }
}

const children = [];
function startNode(i, migrate) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(root, 'apps/api'),
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      PORT: String(port + i),
      HOST: '127.0.0.1',
      PARLEY_NODE_ID: `node${i}`,
      PARLEY_TRUST_PROXY: '1',
      PARLEY_DATA_DIR: dataDir,
      PARLEY_MIGRATE: migrate ? 'auto' : 'check',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(`[node${i}] ${d}`);
      out += d;
      if (/running at/.test(out)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`node${i} exited (${code})`)));
  });
}

let nginx;
async function stop() {
  await nginx?.stop();
  for (const child of children) child.kill('SIGTERM');
}
process.once('SIGINT', () => void stop().then(() => process.exit(0)));
process.once('SIGTERM', () => void stop().then(() => process.exit(0)));

try {
  await ensureDatabase();
  await startNode(1, true);
  await Promise.all(Array.from({ length: count - 1 }, (_, i) => startNode(i + 2, false)));
  const nodes = Array.from({ length: count }, (_, i) => `127.0.0.1:${port + i + 1}`);
  nginx = await startNginx({ port, nodes, dir: path.join(dataDir, 'nginx') });
  console.log(`Parley cluster: ${nginx.url} (nginx) → ${nodes.join(', ')}; Ctrl-C stops it`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop();
  process.exit(1);
}
