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
    // No source maps in the production build. The server serves everything in
    // dist/client to anyone who can reach it (the sign-in page included), and a map
    // carries the whole client source with its comments. `npm run dev` has maps; to read
    // a production stack trace, build the same commit with `vite build --sourcemap hidden`
    // into a folder the server does not serve (docs/operations.md). Checked by
    // server/sourceMaps.test.ts.
    sourcemap: false,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'ws://127.0.0.1:3000', ws: true },
    },
  },
});
