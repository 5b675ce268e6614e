import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Relative base: the same bundle loads from app://lab/ in Electron and from the `seclab ui` server. */
export default defineConfig({
  root: here,
  base: './',
  publicDir: 'public',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    // Inline assets would become data: URLs; keep every asset a file under 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    // React, xyflow and zod (the spec's own validation) in one local file; nothing is fetched over a network.
    chunkSizeWarningLimit: 800,
  },
});
