import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The manager serves the built app from classpath:/static/, so the build writes straight into
// the jar's classes directory. `npm run dev` proxies the API to a manager running on its default port.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'target/classes/static',
    emptyOutDir: true,
    // GraphiQL's editor (Monaco) is a few MB on its own page; the dashboard's chunks stay far below
    chunkSizeWarningLimit: 3000,
    rollupOptions: {
      // the dashboard, and GraphiQL (served at /graphiql) on its own page: its editor is large and
      // never slows the dashboard down
      input: {
        index: 'index.html',
        graphiql: 'graphiql.html',
      },
      onwarn(warning, warn) {
        // GraphiQL's modules open with "use no memo", a React Compiler hint a bundle has no use for
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') {
          warn(warning);
        }
      },
    },
  },
  server: {
    proxy: {
      '/graphql': {
        target: 'http://127.0.0.1:8080',
        ws: true,
      },
      '/auth': 'http://127.0.0.1:8080',
      '/uploads': 'http://127.0.0.1:8080',
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['src/testing/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
