/**
 * What a browser downloads: a production build served by the production server, fetched over
 * raw HTTP with `Accept-Encoding: br, gzip` like a browser. The body is the brotli copy made at
 * build time, its size is the one build-size.json reports, and the README states that figure.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb, startServer, type TestServer } from './support';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(url: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }),
      );
    })
      .on('error', reject)
      .end();
  });
}

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const browser = { 'Accept-Encoding': 'gzip, deflate, br, zstd' };

describe('the built web app over HTTP', () => {
  let web: Awaited<ReturnType<typeof buildWeb>>;
  let server: TestServer;
  let report: {
    initialJsBrotliBytes: number;
    initialJsGzipBytes: number;
    initialFiles: Record<string, { raw: number; brotli: number; gzip: number }>;
  };

  beforeAll(async () => {
    web = await buildWeb();
    server = await startServer(web.dir);
    report = JSON.parse(readFileSync(path.join(web.dir, 'build-size.json'), 'utf8'));
  });
  afterAll(async () => {
    await server?.close();
    web?.cleanup();
  });

  it('sends the entry script brotli-compressed, the size build-size.json and the README say', async () => {
    const page = await get(`${server.url}/`, browser);
    const scripts = [...page.body.toString().matchAll(/<script[^>]+src="\/([^"]+)"/g)];
    // index.html is small enough to go uncompressed; the scripts it loads are not.
    expect(scripts.length).toBe(1);
    const entry = scripts[0]?.[1] ?? '';
    const res = await get(`${server.url}/${entry}`, browser);
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.body.length).toBe(report.initialFiles[entry]?.brotli);
    expect(brotliDecompressSync(res.body).length).toBe(report.initialFiles[entry]?.raw);

    // The first visit's JavaScript is this one chunk and whatever it imports statically.
    const initial = Object.entries(report.initialFiles).filter(([name]) => name.endsWith('.js'));
    expect(initial.reduce((n, [, s]) => n + s.brotli, 0)).toBe(report.initialJsBrotliBytes);

    // The README's figure, to the 0.1 kB it is written with (± 3% so that small changes do
    // not each need a README edit; a bigger one does, and this says so).
    const stated = /currently \*\*([\d.]+) kB brotli\*\* \(([\d.]+) kB gzip/.exec(readme);
    expect(stated, 'README: "currently **N kB brotli** (M kB gzip"').not.toBeNull();
    const [brotliKb, gzipKb] = [Number(stated?.[1]), Number(stated?.[2])];
    const actual = `${(report.initialJsBrotliBytes / 1000).toFixed(1)} kB brotli, ${(report.initialJsGzipBytes / 1000).toFixed(1)} kB gzip`;
    expect(Math.abs(brotliKb * 1000 - report.initialJsBrotliBytes), actual).toBeLessThan(
      report.initialJsBrotliBytes * 0.03,
    );
    expect(Math.abs(gzipKb * 1000 - report.initialJsGzipBytes), actual).toBeLessThan(
      report.initialJsGzipBytes * 0.03,
    );
  });

  it('answers index.html 304 to its ETag', async () => {
    const page = await get(`${server.url}/`, browser);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    const etag = String(page.headers.etag);
    const again = await get(`${server.url}/`, { ...browser, 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });
});
