import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import type { TestProject } from "vitest/node";

/**
 * One fresh, migrated database per `vitest --project db` run: SQLite by default, the real
 * PostgreSQL when TEST_DB=postgres (npm run test:pg). Tests create uniquely named data.
 */
declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

const PG_ADMIN_URL = process.env.PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export default async function setup(project: TestProject) {
  let url: string;
  let cleanup = () => {};
  if (process.env.TEST_DB === "postgres") {
    const name = `portcullis_test_${process.pid}`;
    const { default: pg } = await import("pg");
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const u = new URL(PG_ADMIN_URL);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      c.connect()
        .then(() => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
        .finally(() => c.end());
    };
  } else {
    mkdirSync("data", { recursive: true });
    const file = `data/test-${process.pid}.db`;
    rmSync(file, { force: true });
    url = `file:./${file}`;
    cleanup = () => rmSync(file, { force: true });
  }
  execFileSync("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, stdio: "ignore" });
  project.provide("databaseUrl", url);
  return () => cleanup();
}
