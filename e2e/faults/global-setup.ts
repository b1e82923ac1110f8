import { mkdirSync, rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { migrate, pgAdmin } from "./harness";

/**
 * Once per faults run: migrated templates (a SQLite file, a PostgreSQL database), so each test makes
 * its own database by copying one (`CREATE DATABASE … TEMPLATE`) instead of migrating again. The
 * PostgreSQL one is empty when PostgreSQL cannot be reached (those tests then skip with a message).
 */
declare module "vitest" {
  export interface ProvidedContext {
    faultsPgTemplate: string;
    faultsSqliteTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  mkdirSync("data", { recursive: true });
  const sqlite = `data/faults-template-${process.pid}.db`;
  rmSync(sqlite, { force: true });
  migrate(`file:./${sqlite}`);
  project.provide("faultsSqliteTemplate", sqlite);
  const dropSqlite = () => rmSync(sqlite, { force: true });
  const name = `portcullis_faults_template_${process.pid}`;
  try {
    await pgAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await pgAdmin(`CREATE DATABASE "${name}"`);
  } catch {
    project.provide("faultsPgTemplate", "");
    return dropSqlite;
  }
  const u = new URL(process.env.PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
  u.pathname = `/${name}`;
  migrate(u.toString());
  project.provide("faultsPgTemplate", name);
  return async () => {
    dropSqlite();
    await pgAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
  };
}
