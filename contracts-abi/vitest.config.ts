import { defineConfig } from "vitest/config";

// Each test file spawns its own anvil and deploys once; chain calls are slow next to unit tests.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
