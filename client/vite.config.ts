import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const server = 'http://localhost:4000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/graphql': { target: server, ws: true, changeOrigin: false },
      '/api': { target: server },
    },
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
  },
});
