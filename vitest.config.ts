import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // A real PostgreSQL server and a PGlite template for the storage suite.
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: process.env.CERTIBOT_TEST_REPORT
      ? ["default", ["json", { outputFile: process.env.CERTIBOT_TEST_REPORT }]]
      : ["default"],
  },
});
