/**
 * The web app's files over raw HTTP (node:http, so Accept-Encoding is exactly what we send and
 * bodies arrive as sent): precompressed variants by Accept-Encoding, Vary, ETag and 304,
 * caching, and files that are missing or go missing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedEncodings } from '../../src/http/static.js';
import { startServer, type TestServer } from '../support/harness.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const dist = mkdtempSync(path.join(tmpdir(), 'parley-static-'));
const script = `console.log(${JSON.stringify('parley '.repeat(2000))});\n`;
const html = `<!doctype html><title>Parley</title>${'<!-- padding -->'.repeat(100)}`;
const files: Record<string, string> = {
  'index.html': html,
  'assets/app-abc123.js': script,
  'assets/logo-abc123.png': 'not really a png',
  '.inputs-hash': 'secret-ish',
};

let server: TestServer;
beforeAll(async () => {
  await mkdir(path.join(dist, 'assets'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dist, name), text);
  for (const name of ['index.html', 'assets/app-abc123.js']) {
    const data = Buffer.from(files[name] ?? '');
    writeFileSync(path.join(dist, `${name}.br`), brotliCompressSync(data));
    writeFileSync(path.join(dist, `${name}.gz`), gzipSync(data));
  }
  server = await startServer({ webDist: dist });
});
afterAll(async () => {
  await server?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('static files', () => {
  it('sends the brotli copy to a client that accepts br, byte for byte', async () => {
    const res = await get(`${server.app.url}/assets/app-abc123.js`, {
      'Accept-Encoding': 'gzip, deflate, br',
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(script.length / 10);
    expect(brotliDecompressSync(res.body).toString()).toBe(script);
  });

  it('sends gzip when br is not accepted, and the file itself when nothing is', async () => {
    const gz = await get(`${server.app.url}/assets/app-abc123.js`, {
      'Accept-Encoding': 'br;q=0, gzip',
    });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(script);
    const plain = await get(`${server.app.url}/assets/app-abc123.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.body.toString()).toBe(script);
    // Each representation has its own ETag.
    expect(new Set([gz.headers.etag, plain.headers.etag]).size).toBe(2);
  });

  it('answers index.html with an ETag, and 304 when the client has it', async () => {
    const first = await get(`${server.app.url}/`, { 'Accept-Encoding': 'br' });
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('no-cache');
    expect(first.headers['content-security-policy']).toContain("default-src 'self'");
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get(`${server.app.url}/`, {
      'Accept-Encoding': 'br',
      'If-None-Match': etag,
    });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers.vary).toBe('Accept-Encoding');
    // A weak form of the same tag matches too; another tag does not.
    const weak = await get(`${server.app.url}/`, {
      'Accept-Encoding': 'br',
      'If-None-Match': `"other", W/${etag}`,
    });
    expect(weak.status).toBe(304);
    const other = await get(`${server.app.url}/`, {
      'Accept-Encoding': 'br',
      'If-None-Match': '"x"',
    });
    expect(other.status).toBe(200);
    // A client-side route gets index.html with the same tag.
    const route = await get(`${server.app.url}/some/route`, { 'Accept-Encoding': 'br' });
    expect(route.headers.etag).toBe(etag);
  });

  it('HEAD has the headers and no body', async () => {
    const res = await get(
      `${server.app.url}/assets/app-abc123.js`,
      { 'Accept-Encoding': 'br' },
      'HEAD',
    );
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
    expect(res.body.length).toBe(0);
  });

  it('never serves dotfiles or paths outside the folder', async () => {
    expect((await get(`${server.app.url}/.inputs-hash`)).status).toBe(404);
    // Dot segments are resolved by the URL parser (to a client route: index.html) …
    const resolved = await get(`${server.app.url}/assets/../../etc/passwd`);
    expect(resolved.body.toString()).toBe(html);
    // … and encoded slashes that would climb out are refused.
    expect((await get(`${server.app.url}/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
  });

  it('falls back when a compressed copy is gone, and 404s a file that is gone', async () => {
    const name = 'assets/app-abc123.js';
    await rm(path.join(dist, `${name}.br`));
    const res = await get(`${server.app.url}/${name}`, { 'Accept-Encoding': 'br, gzip' });
    expect(res.headers['content-encoding']).toBe('gzip');
    for (const suffix of ['', '.gz']) await rm(path.join(dist, `${name}${suffix}`));
    expect((await get(`${server.app.url}/${name}`, { 'Accept-Encoding': 'gzip' })).status).toBe(
      404,
    );
    // Still serving.
    expect((await get(`${server.app.url}/`)).status).toBe(200);
  });

  it('reads Accept-Encoding with q-values and *', () => {
    expect([...acceptedEncodings('gzip, deflate, br')].sort()).toEqual(['br', 'deflate', 'gzip']);
    expect([...acceptedEncodings('br;q=0, gzip;q=0.5')]).toEqual(['gzip']);
    expect([...acceptedEncodings('*')].sort()).toEqual(['br', 'gzip']);
    expect([...acceptedEncodings('*, br;q=0')]).toEqual(['gzip']);
    expect([...acceptedEncodings(undefined)]).toEqual([]);
  });
});
