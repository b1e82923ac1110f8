import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { createTestDatabase } from "./databases";

/**
 * One fresh, migrated database per `vitest --project db` run: SQLite by default, the real
 * PostgreSQL when TEST_DB=postgres (npm run test:pg). Tests create uniquely named data.
 */
declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  mkdirSync("data", { recursive: true });
  const { url, drop } = await createTestDatabase(
    process.env.TEST_DB === "postgres" ? `portcullis_test_${process.pid}` : `test-${process.pid}`,
  );
  execFileSync("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, stdio: "ignore" });
  project.provide("databaseUrl", url);
  return () => {
    void drop();
  };
}
