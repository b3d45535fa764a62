import { defineConfig } from "vite";

// The dev server forwards /graphql to Sokudo (default: `npm start` on port 4000), so the page and
// the API share an origin: no CORS set-up, and Server-Sent Events stream through as they are.
export default defineConfig({
  server: {
    proxy: { "/graphql": { target: process.env.SOKUDO_URL ?? "http://localhost:4000", changeOrigin: true } },
  },
});
