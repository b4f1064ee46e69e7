import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompressAndReport } from './scripts/vite-plugins';

const API = process.env.PARLEY_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react(), precompressAndReport()],
  server: {
    port: 5173,
    proxy: {
      '/trpc': { target: API, ws: true, changeOrigin: false },
      '/healthz': { target: API },
    },
  },
  // Our plugin reports the sizes browsers get (brotli and gzip at build-time settings).
  build: { target: 'es2022', sourcemap: false, reportCompressedSize: false },
});
