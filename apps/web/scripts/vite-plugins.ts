/**
 * Build-time plugins of the web app (used by vite.config.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** Kept in step with COMPRESSIBLE in apps/api/src/http/static.ts, which serves the copies. */
const COMPRESSIBLE = /\.(html|js|css|json|svg|webmanifest|txt)$/;
/** Below this a compressed copy saves less than its headers cost. */
const MIN_BYTES = 1024;

export interface Compressed {
  raw: number;
  brotli: number;
  gzip: number;
}

/** The two encodings the server offers, at their highest (build-time) settings. */
export function compress(data: Uint8Array): { br: Buffer; gz: Buffer } {
  return {
    br: brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
    gz: gzipSync(data, { level: 9 }),
  };
}

/**
 * Writes `file.br` and `file.gz` beside every compressible output file worth it (the server
 * sends them by `Accept-Encoding`), then reports what a first visit downloads: the entry chunk
 * and every chunk it imports statically, plus the CSS, with the bytes a browser receives
 * (brotli, and gzip for clients without it). The report is printed and written to
 * `dist/build-size.json`.
 */
export function precompressAndReport(): Plugin {
  return {
    name: 'parley:precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const outDir = options.dir ?? 'dist';
      const sizes = new Map<string, Compressed>();
      for (const output of Object.values(bundle)) {
        const data =
          output.type === 'chunk'
            ? Buffer.from(output.code)
            : typeof output.source === 'string'
              ? Buffer.from(output.source)
              : output.source;
        const { br, gz } = compress(data);
        sizes.set(output.fileName, { raw: data.length, brotli: br.length, gzip: gz.length });
        if (!COMPRESSIBLE.test(output.fileName) || data.length < MIN_BYTES) continue;
        const file = path.join(outDir, output.fileName);
        mkdirSync(path.dirname(file), { recursive: true });
        if (br.length < data.length) writeFileSync(`${file}.br`, br);
        if (gz.length < data.length) writeFileSync(`${file}.gz`, gz);
      }

      const chunks = Object.values(bundle).flatMap((o) => (o.type === 'chunk' ? [o] : []));
      const byName = new Map(chunks.map((c) => [c.fileName, c]));
      const initial = new Set<string>();
      const visit = (fileName: string) => {
        if (initial.has(fileName)) return;
        initial.add(fileName);
        for (const dep of byName.get(fileName)?.imports ?? []) visit(dep);
      };
      for (const c of chunks) if (c.isEntry) visit(c.fileName);
      const css = Object.keys(bundle).filter((name) => name.endsWith('.css'));
      const sum = (names: Iterable<string>) => {
        const total: Compressed = { raw: 0, brotli: 0, gzip: 0 };
        for (const name of names) {
          const s = sizes.get(name);
          if (!s) continue;
          total.raw += s.raw;
          total.brotli += s.brotli;
          total.gzip += s.gzip;
        }
        return total;
      };
      const js = sum(initial);
      const styles = sum(css);
      const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
      // On stdout so it shows whatever the log level.
      console.log(
        `\n[parley] initial JS ${kb(js.brotli)} brotli, ${kb(js.gzip)} gzip (${kb(js.raw)} raw, ${initial.size} chunk(s)); CSS ${kb(styles.brotli)} brotli, ${kb(styles.gzip)} gzip\n`,
      );
      const report = {
        initialJsBrotliBytes: js.brotli,
        initialJsGzipBytes: js.gzip,
        initialJsRawBytes: js.raw,
        cssBrotliBytes: styles.brotli,
        cssGzipBytes: styles.gzip,
        /** Every initial file: what is sent for each encoding. */
        initialFiles: Object.fromEntries(
          [...initial, ...css].map((name) => [name, sizes.get(name)]),
        ),
      };
      writeFileSync(path.join(outDir, 'build-size.json'), `${JSON.stringify(report, null, 2)}\n`);
    },
  };
}
