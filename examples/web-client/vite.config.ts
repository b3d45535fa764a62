import { defineConfig } from "vite";

// The dev server forwards /graphql to Sokudo (default: `npm start` on port 4000), so the page and
// the API share an origin: no CORS set-up, and Server-Sent Events stream through as they are.
// The receipts exchange lives in the repository's clients/ folder, shared with other frontends: the dev
// server may serve it, and its @urql/core is this app's copy.
export default defineConfig({
  server: {
    proxy: { "/graphql": { target: process.env.SOKUDO_URL ?? "http://localhost:4000", changeOrigin: true } },
    fs: { allow: [".", "../../clients"] },
  },
  resolve: { dedupe: ["@urql/core"] },
});
