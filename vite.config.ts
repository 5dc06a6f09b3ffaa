import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The client lives in client/; `vite build` writes dist/client, which the server serves.
// In `npm run dev` the Vite dev server proxies the API and Socket.IO to the Node server.
export default defineConfig({
  root: 'client',
  plugins: [react()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'ws://127.0.0.1:3000', ws: true },
    },
  },
});
