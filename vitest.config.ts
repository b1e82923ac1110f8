import { defineConfig } from "vitest/config";

// Two projects: `unit` needs nothing but Node (the enforcer, schemas, the test IdP);
// `db` runs the data layer against whatever DATABASE_URL says (SQLite by default;
// `npm run test:pg` runs it again on the real PostgreSQL).
export default defineConfig({
  resolve: {
    tsconfigPaths: true,
    alias: { "server-only": new URL("./lib/server/test/empty.ts", import.meta.url).pathname },
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: [
            "lib/enforcer/**/*.test.ts",
            "lib/schemas/**/*.test.ts",
            "e2e/idp/**/*.test.ts",
            "scripts/**/*.test.ts",
            "components/**/*.test.ts",
          ],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "db",
          include: ["lib/server/**/*.test.ts", "app/**/*.test.ts"],
          environment: "node",
          globalSetup: ["lib/server/test/global-setup.ts"],
          setupFiles: ["lib/server/test/setup.ts"],
          fileParallelism: false,
        },
      },
      {
        // Storage faults (`npm test -- --only=faults`): each test makes its own database (a SQLite file
        // on a tmpfs it fills, a PostgreSQL database it refuses connections to) and control-plane processes.
        extends: true,
        test: {
          name: "faults",
          include: ["e2e/faults/**/*.test.ts"],
          environment: "node",
          globalSetup: ["e2e/faults/global-setup.ts"],
          setupFiles: ["e2e/faults/setup.ts"],
          fileParallelism: false,
        },
      },
    ],
  },
});
