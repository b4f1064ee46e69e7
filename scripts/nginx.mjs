/**
 * Runs nginx locally with deploy/nginx.conf in front of local nodes (pnpm cluster and the
 * cluster tests): the deployment's own file, with its node list and listen port replaced,
 * inside a main configuration whose paths are all in a scratch directory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const DEPLOY_NGINX_CONF = path.join(root, 'deploy/nginx.conf');

/** Whether an nginx binary is on PATH (or at /usr/sbin/nginx); its path, or null. */
export function findNginx() {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) {
    const r = spawnSync(candidate, ['-v'], { stdio: 'ignore' });
    if (r.status === 0) return candidate;
  }
  return null;
}

/** deploy/nginx.conf's upstream server lines replaced by `nodes` ("host:port"). */
function withNodes(site, nodes) {
  const servers = nodes.map((n) => `    server ${n} max_fails=1 fail_timeout=5s;`).join('\n');
  let placed = false;
  const out = site
    .split('\n')
    .flatMap((line) => {
      if (!/^\s*server\s+[\w.-]+:\d+/.test(line)) return [line];
      if (placed) return [];
      placed = true;
      return [servers];
    })
    .join('\n');
  if (!placed) throw new Error('deploy/nginx.conf: no upstream server lines to replace');
  return out;
}

/** The top-level block of `site` that starts with `head` ("upstream parley", "server"). */
function block(site, head) {
  const match = new RegExp(`^${head} \\{\\n[\\s\\S]*?\\n\\}$`, 'm').exec(site);
  if (!match) throw new Error(`deploy/nginx.conf: no top-level "${head} {" block`);
  return match[0];
}

function listenOn(text, port) {
  const out = text.replace(/^(\s*)listen\s+80;/m, `$1listen 127.0.0.1:${port};`);
  if (!out.includes(`listen 127.0.0.1:${port};`))
    throw new Error('deploy/nginx.conf: no "listen 80;" to replace');
  return out;
}

/**
 * deploy/nginx.conf with `nodes` ("host:port") as the upstream and `port` to listen on. With
 * `pinned` (one port per node), also one server per node on its port that reaches only that
 * node: a copy of the deploy file's own upstream and server blocks (same keep-alive, proxy and
 * WebSocket settings) with just the node list and the listen port changed, so a test can put
 * a client on a chosen node through the real configuration.
 */
export function renderSite(port, nodes, pinned = []) {
  const site = readFileSync(DEPLOY_NGINX_CONF, 'utf8');
  const out = listenOn(withNodes(site, nodes), port);
  if (pinned.length === 0) return out;
  if (pinned.length !== nodes.length) throw new Error('one pinned port per node');
  const upstream = block(site, 'upstream parley');
  const server = block(site, 'server');
  if (!server.includes('proxy_pass http://parley;'))
    throw new Error('deploy/nginx.conf: no "proxy_pass http://parley;" in its server block');
  const extra = nodes.flatMap((node, i) => [
    `# Only node ${i + 1} (${node}), on port ${pinned[i]}: the blocks above, copied.`,
    withNodes(upstream, [node]).replace('upstream parley {', `upstream parley_node${i + 1} {`),
    listenOn(server, pinned[i]).replace(
      'proxy_pass http://parley;',
      `proxy_pass http://parley_node${i + 1};`,
    ),
  ]);
  return [out, ...extra, ''].join('\n');
}

/**
 * Starts nginx on `port` in front of `nodes` (and on each `pinned` port in front of one node,
 * see renderSite); `dir` is its scratch directory. Resolves once it accepts connections.
 */
export async function startNginx({
  port,
  nodes,
  pinned = [],
  dir,
  nginx = findNginx() ?? 'nginx',
}) {
  mkdirSync(dir, { recursive: true });
  const site = path.join(dir, 'parley.conf');
  const main = path.join(dir, 'nginx.conf');
  writeFileSync(site, renderSite(port, nodes, pinned));
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  writeFileSync(
    main,
    [
      'daemon off;',
      'worker_processes 1;',
      isRoot ? 'user root;' : '',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'events { worker_connections 4096; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (t) => `  ${t}_temp_path ${dir}/${t};`,
      ),
      `  include ${site};`,
      '}',
      '',
    ].join('\n'),
  );
  const args = ['-p', dir, '-e', `${dir}/error.log`, '-c', main];
  const test = spawnSync(nginx, [...args, '-t'], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx -t failed:\n${test.stderr}`);
  const child = spawn(nginx, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start on ${port}: see ${dir}/error.log`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pinnedUrls: pinned.map((p) => `http://127.0.0.1:${p}`),
    async stop() {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
    },
  };
}
