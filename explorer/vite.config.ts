import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  // The page is served at /graphql and its files under /graphql-explorer/ (see server/src/graphql/explorer.ts).
  base: '/graphql-explorer/',
  build: {
    outDir: 'dist',
    // Files, not data: URLs, so the server's Content-Security-Policy ('self') covers every asset.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 6000,
    rollupOptions: {
      onwarn(warning, warn) {
        // GraphiQL's React Compiler hints ("use no memo"): harmless once bundled.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  worker: { format: 'es' },
});
