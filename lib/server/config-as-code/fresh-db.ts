import "server-only";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PgClient } from "@/lib/generated/postgresql/client";
import { PrismaClient as SqliteClient } from "@/lib/generated/sqlite/client";
import type { Db } from "../db";
import { isPostgres } from "../env";
import { guardedSqlite } from "../sqlite-adapter";
import { createTestDatabase } from "../test/databases";

/**
 * Test-only: an empty, migrated database of the run's kind (SQLite file or PostgreSQL database) that
 * becomes the process's `db()` while in use (`use()`, until `dispose()`). The round-trip test needs a really empty control plane;
 * the shared test database holds other files' data.
 */
const run = promisify(execFile);
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
  const { url, drop } = await createTestDatabase(`portcullis_cac_${process.pid}_${++counter}`);
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
