import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Types the build precompresses (apps/web/scripts/vite-plugins.ts): their answer varies. */
export const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.css',
  '.json',
  '.svg',
  '.webmanifest',
  '.txt',
]);

/** Precompressed siblings, best first: `app.js.br`, then `app.js.gz`. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/** The encodings an `Accept-Encoding` header allows (q > 0); `*` allows any not named. */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const allowed = new Set<string>();
  const refused = new Set<string>();
  let star = false;
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const ok = q === undefined || Number(q.slice(2)) > 0;
    if (name === '*') star = ok;
    else (ok ? allowed : refused).add(name);
  }
  if (star) for (const { name } of ENCODINGS) if (!refused.has(name)) allowed.add(name);
  return allowed;
}

/** `If-None-Match` holds `etag` (weak comparison, as RFC 9110 asks for GET). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => bare(tag) === bare(etag));
}

interface Opened {
  handle: FileHandle;
  info: Stats;
}

/** Opens a regular file, or null. Opening first and then reading that handle means a file
 * replaced or deleted meanwhile (a deploy) is served whole or not at all. */
async function openFile(file: string): Promise<Opened | null> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch {
    return null;
  }
  try {
    const info = await handle.stat();
    if (info.isFile()) return { handle, info };
  } catch {}
  await handle.close().catch(() => {});
  return null;
}

/**
 * Serves the built web app: files under `root`, and index.html for client-side routes.
 *
 * - Precompressed `.br` / `.gz` siblings written at build time are sent to clients that
 *   accept them (`Content-Encoding`, `Vary: Accept-Encoding`); nothing is compressed per
 *   request.
 * - Every answer has a strong `ETag` (a hash of the bytes sent, so it is the same on every
 *   server with the same build); `If-None-Match` gets 304.
 * - Hashed assets (`/assets/…`) are cached for a year; everything else, index.html first, is
 *   revalidated on every use (`no-cache`), so a deploy is picked up at once.
 * - Dotfiles are not served.
 */
export function staticFiles(
  root: string,
  onError: (err: unknown, req: IncomingMessage) => void = () => {},
) {
  const base = path.resolve(root);
  // ETag per file, valid while its size and mtime stay the same.
  const etags = new Map<string, { size: number; mtimeMs: number; etag: string }>();
  const etagOf = async (file: string, { handle, info }: Opened): Promise<string> => {
    const known = etags.get(file);
    if (known && known.size === info.size && known.mtimeMs === info.mtimeMs) return known.etag;
    const digest = createHash('sha256')
      .update(await handle.readFile())
      .digest('base64url');
    const etag = `"${digest.slice(0, 22)}"`;
    etags.set(file, { size: info.size, mtimeMs: info.mtimeMs, etag });
    return etag;
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const file = path.join(base, pathname);
    const inside = file.startsWith(base + path.sep) || file === base;
    if (!inside || pathname.split('/').some((segment) => segment.startsWith('.'))) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    let served = file;
    let identity = await openFile(file);
    if (!identity && !path.extname(pathname)) {
      served = path.join(base, 'index.html');
      identity = await openFile(served);
    }
    if (!identity) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }

    const ext = path.extname(served);
    const compressible = COMPRESSIBLE.has(ext);
    let body = identity;
    let encoding: string | null = null;
    if (compressible) {
      const accepted = acceptedEncodings(req.headers['accept-encoding']);
      for (const { name, suffix } of ENCODINGS) {
        if (!accepted.has(name)) continue;
        const variant = await openFile(served + suffix);
        if (variant) {
          await identity.handle.close();
          body = variant;
          encoding = name;
          break;
        }
      }
    }
    const handle = body.handle;
    try {
      const etag = await etagOf(served + (encoding ? `.${encoding}` : ''), body);
      const headers: Record<string, string | number> = {
        ETag: etag,
        'Cache-Control': pathname.startsWith('/assets/')
          ? 'public, max-age=31536000, immutable'
          : 'no-cache',
        ...(compressible ? { Vary: 'Accept-Encoding' } : {}),
      };
      if (matches(req.headers['if-none-match'], etag)) {
        await handle.close();
        res.writeHead(304, headers).end();
        return;
      }
      Object.assign(headers, {
        'Content-Type': TYPES[ext] ?? 'application/octet-stream',
        'Content-Length': body.info.size,
        'X-Content-Type-Options': 'nosniff',
        ...(encoding ? { 'Content-Encoding': encoding } : {}),
        ...(ext === '.html'
          ? {
              'Content-Security-Policy':
                "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
              'Referrer-Policy': 'same-origin',
            }
          : {}),
      });
      res.writeHead(200, headers);
      if (req.method === 'HEAD') {
        await handle.close();
        res.end();
        return;
      }
    } catch (err) {
      await handle.close().catch(() => {});
      throw err;
    }
    // From the start of the file (reading the ETag may have moved the handle's position);
    // the stream closes the handle when it ends or fails.
    const stream = handle.createReadStream({ start: 0 });
    stream.on('error', (err) => {
      // Headers are out: all that is left is to cut the response short.
      onError(err, req);
      res.destroy(err);
    });
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  };
}
