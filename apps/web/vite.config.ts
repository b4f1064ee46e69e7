import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const API = process.env.PARLEY_API_URL ?? 'http://localhost:3000';

/**
 * Prints the size of the JavaScript a first visit downloads (the entry chunk and every chunk it
 * imports statically), gzipped, and writes it to `dist/build-size.json`.
 */
function initialSizeReport(): Plugin {
  return {
    name: 'parley:initial-size',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).flatMap((o) => (o.type === 'chunk' ? [o] : []));
      const byName = new Map(chunks.map((c) => [c.fileName, c]));
      const initial = new Set<string>();
      const visit = (fileName: string) => {
        if (initial.has(fileName)) return;
        initial.add(fileName);
        for (const dep of byName.get(fileName)?.imports ?? []) visit(dep);
      };
      for (const c of chunks) if (c.isEntry) visit(c.fileName);
      let raw = 0;
      let gzip = 0;
      for (const name of initial) {
        const code = byName.get(name)?.code ?? '';
        raw += Buffer.byteLength(code);
        gzip += gzipSync(code, { level: 9 }).length;
      }
      const css = Object.values(bundle)
        .filter((o) => o.type === 'asset' && o.fileName.endsWith('.css'))
        .reduce((n, o) => n + (o.type === 'asset' ? gzipSync(o.source).length : 0), 0);
      const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
      this.info(
        `initial JS: ${kb(gzip)} gzipped (${kb(raw)} raw, ${initial.size} chunk(s)); CSS: ${kb(css)} gzipped`,
      );
      // Also on stdout so it shows whatever the log level.
      console.log(
        `\n[parley] initial JS ${kb(gzip)} gzipped (${kb(raw)} raw); CSS ${kb(css)} gzipped\n`,
      );
      this.emitFile({
        type: 'asset',
        fileName: 'build-size.json',
        source: `${JSON.stringify({ initialJsGzipBytes: gzip, initialJsRawBytes: raw, cssGzipBytes: css }, null, 2)}\n`,
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), initialSizeReport()],
  server: {
    port: 5173,
    proxy: {
      '/trpc': { target: API, ws: true, changeOrigin: false },
      '/healthz': { target: API },
    },
  },
  build: { target: 'es2022', sourcemap: false },
});
