import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The manager serves the built app from classpath:/static/, so the build writes straight into
// the jar's classes directory. `npm run dev` proxies the API to a manager running on its default port.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'target/classes/static',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/graphql': {
        target: 'http://127.0.0.1:8080',
        ws: true,
      },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['src/testing/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
