import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  build: {
    // dist/.vite/manifest.json: which chunks each route loads, for the bundle-size report.
    manifest: true,
    target: "es2022",
  },
  server: {
    // The dev server forwards API calls to the gateway started by `pnpm start`.
    proxy: { "/v1": "http://127.0.0.1:8080", "/api": "http://127.0.0.1:8080" },
  },
  test: { include: ["src/**/*.test.ts", "src/**/*.test.tsx"] },
});
