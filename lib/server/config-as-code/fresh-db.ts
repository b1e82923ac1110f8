import "server-only";
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { promisify } from "node:util";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PgClient } from "@/lib/generated/postgresql/client";
import { PrismaClient as SqliteClient } from "@/lib/generated/sqlite/client";
import type { Db } from "../db";
import { isPostgres } from "../env";
import { guardedSqlite } from "../sqlite-adapter";

/**
 * Test-only: an empty, migrated database of the run's kind (SQLite file or PostgreSQL database) that
 * becomes the process's `db()` until `restore()`. The round-trip test needs a really empty control plane;
 * the shared test database holds other files' data.
 */
const run = promisify(execFile);
const PG_ADMIN_URL = process.env.PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const holder = globalThis as unknown as { portcullisDb?: Db };
let counter = 0;

export interface FreshDb {
  client: Db;
  url: string;
  /** Make `db()` answer with this database. */
  use(): void;
  /** Back to the run's database; disconnect and drop this one. */
  dispose(): Promise<void>;
}

export async function freshDatabase(): Promise<FreshDb> {
  const name = `portcullis_cac_${process.pid}_${++counter}`;
  let url: string;
  let drop: () => Promise<void>;
  if (isPostgres()) {
    const { default: pg } = await import("pg");
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const u = new URL(PG_ADMIN_URL);
    u.pathname = `/${name}`;
    url = u.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => c.end());
    };
  } else {
    const file = `data/${name}.db`;
    rmSync(file, { force: true });
    url = `file:./${file}`;
    drop = async () => {
      for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
    };
  }
  await run("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url } });
  const client = isPostgres()
    ? (new PgClient({ adapter: new PrismaPg({ connectionString: url, max: 5 }) }) as unknown as Db)
    : new SqliteClient({ adapter: guardedSqlite(new PrismaBetterSQLite3({ url }), "PRAGMA busy_timeout = 5000;") });
  const previous = holder.portcullisDb;
  return {
    client,
    url,
    use: () => {
      holder.portcullisDb = client;
    },
    dispose: async () => {
      holder.portcullisDb = previous;
      await client.$disconnect();
      await drop();
    },
  };
}
