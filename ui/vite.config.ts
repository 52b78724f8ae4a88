/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { mockServer } from './dev/mock-server.ts';

// foliate-js can open MOBI, FB2, CBZ and whole .epub files, and speak (TTS); Cartable gives it an
// already-unpacked EPUB through a loader, so those modules are never reached. They are replaced
// by an empty module so that they do not weigh on the bundle.
const unused = /foliate-js\/(vendor\/zip|vendor\/fflate|mobi|fb2|comic-book|tts|dict|opds|pdf)\.js$/;
function foliateTrim(): Plugin {
  return {
    name: 'cartable-foliate-trim',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer?.includes('foliate-js')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved && unused.test(resolved.id) ? '\0foliate-unused' : null;
    },
    load(id) {
      return id === '\0foliate-unused' ? 'export {};' : null;
    },
  };
}

export default defineConfig({
  plugins: [foliateTrim(), svelte(), mockServer()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: 'safari15',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
  },
});
