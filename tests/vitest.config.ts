import { defineConfig } from "vitest/config";

const timeouts = { testTimeout: 60_000, hookTimeout: 120_000 };

export default defineConfig({
  test: {
    projects: [
      {
        // Each file starts its own processes; two at a time suit a 2-core machine.
        test: {
          name: "e2e",
          // With the hardening tests of issue #9 (faults, shutdown, contention, security checks).
          include: ["src/*.test.ts", "src/hardening/*.test.ts"],
          exclude: ["src/browser/**"],
          maxWorkers: 2,
          ...timeouts,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Load and the fuzz run saturate both cores and measure responsiveness: alone, last.
        test: {
          name: "load",
          include: ["src/hardening/load/*.test.ts"],
          maxWorkers: 1,
          ...timeouts,
          sequence: { groupOrder: 2 },
        },
      },
      {
        // The browser measures time to first token on screen: it runs alone, after the rest.
        test: {
          name: "browser",
          include: ["src/browser/**/*.test.ts"],
          maxWorkers: 1,
          ...timeouts,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
