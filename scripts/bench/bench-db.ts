/**
 * The database a bench process owns: `data/<name>.db` on SQLite or the PostgreSQL database `<name>`
 * (never the dev one), created empty, migrated, and removed afterwards. The control plane's modules
 * read their environment at import, so a bench calls `openBenchDatabase` before importing them.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import pg from "pg";

export type BenchDialect = "sqlite" | "postgres";
const PG_ADMIN = process.env.PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

function removeSqliteFiles(name: string): void {
  mkdirSync("data", { recursive: true });
  for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(`data/${name}.db${suffix}`, { force: true });
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops and creates the PostgreSQL database `name`; returns its URL. */
export async function createPostgresDatabase(name: string): Promise<string> {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
  const u = new URL(PG_ADMIN);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates the empty database, points this process's control-plane environment at it, and migrates it. */
export async function openBenchDatabase(
  dialect: BenchDialect,
  name: string,
  env: Record<string, string> = {},
): Promise<string> {
  let url: string;
  if (dialect === "sqlite") {
    removeSqliteFiles(name);
    url = `file:./data/${name}.db`;
  } else {
    url = await createPostgresDatabase(name);
  }
  Object.assign(process.env, {
    DATABASE_URL: url,
    LOG_LEVEL: "silent",
    NODE_ENV: "production",
    PORTCULLIS_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString("base64"),
    NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret-0000",
    ...env,
  });
  execFileSync("npx", ["prisma", "migrate", "deploy"], { env: process.env, stdio: "ignore" });
  return url;
}

/** Removes the bench's database (callers skip this when BENCH_KEEP is set). */
export async function dropBenchDatabase(dialect: BenchDialect, name: string): Promise<void> {
  if (dialect === "sqlite") removeSqliteFiles(name);
  else await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
