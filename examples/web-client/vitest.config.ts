import { defineConfig } from "vitest/config";

// The end-to-end test: a real `npm start`, this app on Vite's dev server, headless Chromium.
export default defineConfig({
  test: {
    include: ["e2e/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
