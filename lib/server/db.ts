import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PgClient } from "@/lib/generated/postgresql/client";
import { PrismaClient as SqliteClient } from "@/lib/generated/sqlite/client";
import { env, isPostgres } from "./env";

/**
 * One Prisma client for the process, on SQLite (embedded default) or PostgreSQL,
 * chosen from DATABASE_URL. Both generated clients come from one source schema, so
 * the SQLite client's type describes both.
 */
export type Db = SqliteClient;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { portcullisDb?: Db };

function createDb(): Db {
  const url = env().DATABASE_URL;
  if (isPostgres()) {
    return new PgClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) }) as unknown as Db;
  }
  return new SqliteClient({ adapter: new PrismaBetterSQLite3({ url }) });
}

export function db(): Db {
  globalForDb.portcullisDb ??= createDb();
  return globalForDb.portcullisDb;
}
