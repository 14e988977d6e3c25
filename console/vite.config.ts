import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console's single-page app (docs/console.md): built by `npm run build` into dist/console,
 * served by the server on the console address. Everything is bundled: no CDN at run time, and no
 * inline script or style, so the page runs under a strict Content-Security-Policy.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    // Never inline assets as data: URLs into scripts or styles (CSP: img-src 'self').
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
