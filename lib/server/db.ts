import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PgClient } from "@/lib/generated/postgresql/client";
import { PrismaClient as SqliteClient } from "@/lib/generated/sqlite/client";
import { env, isPostgres } from "./env";
import { guardedSqlite } from "./sqlite-adapter";

/**
 * One Prisma client for the process, on SQLite (embedded default) or PostgreSQL,
 * chosen from DATABASE_URL. Both generated clients come from one source schema, so
 * the SQLite client's type describes both. The SQLite adapter is guarded (sqlite-adapter.ts): one lock for
 * every statement, and a failed COMMIT rolled back instead of poisoning the connection.
 */
export type Db = SqliteClient;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { portcullisDb?: Db };

function createDb(): Db {
  const url = env().DATABASE_URL;
  if (isPostgres()) {
    // A pool that cannot hand out a connection within 5 s fails the query (503 database_unavailable)
    // instead of queueing requests without bound during an outage.
    const adapter = new PrismaPg({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000 });
    return new PgClient({ adapter }) as unknown as Db;
  }
  return new SqliteClient({ adapter: guardedSqlite(new PrismaBetterSQLite3({ url }), SQLITE_PRAGMAS) });
}

/**
 * SQLite settings for a server that writes telemetry while admins read dashboards: WAL (readers never
 * wait for the writer, and a commit appends to the log instead of rewriting pages), synchronous=NORMAL
 * (in WAL mode, durable across application crashes; a power loss may drop the last commits, never
 * corrupt the file), and a busy timeout instead of an immediate SQLITE_BUSY for a second process
 * (`npm run audit:verify`, migrations) touching the file.
 */
const SQLITE_PRAGMAS = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;";

export function db(): Db {
  globalForDb.portcullisDb ??= createDb();
  return globalForDb.portcullisDb;
}
