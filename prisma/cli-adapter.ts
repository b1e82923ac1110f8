/**
 * Driver adapters for the Prisma CLI's JS schema engine, with fixes for the engine's
 * known bugs (STACK.md "Prisma 6.19 offline"). Used only by prisma.config.ts.
 */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

// The engine leaves long timers behind, so the CLI lingers 10-60 s after finishing.
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const t = realSetTimeout(fn, ms, ...args);
  if ((ms ?? 0) >= 5000) t.unref();
  return t;
}) as typeof setTimeout;

// Catalog types the adapter cannot map ("Column type 'name' could not be deserialized"):
// name, char, regproc, regclass, pg_node_tree -> text; name[] and char[] -> text[].
const AS_TEXT = new Set([18, 19, 24, 194, 2205]);
const AS_TEXT_ARRAY = new Set([1002, 1003]);
const TEXT = 25;
const TEXT_ARRAY = 1009;

type Field = { dataTypeID: number };
type IoResult = { fields: Field[]; rows: unknown[][] };
type Queryable = { performIO(query: unknown): Promise<IoResult> };

function parsePgArray(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const inner = v.replace(/^\{|\}$/g, "");
  return inner === "" ? [] : inner.split(",").map((s) => s.replace(/^"|"$/g, ""));
}

function patchQueryable(proto: Queryable): void {
  const original = proto.performIO;
  if ((original as { patched?: boolean }).patched) return;
  const patched = async function (this: Queryable, query: unknown) {
    const result = await original.call(this, query);
    // Multi-statement scripts return an array of results: nothing to map there.
    if (!Array.isArray(result.fields)) return result;
    result.fields.forEach((field, i) => {
      if (AS_TEXT.has(field.dataTypeID)) field.dataTypeID = TEXT;
      else if (AS_TEXT_ARRAY.has(field.dataTypeID)) {
        field.dataTypeID = TEXT_ARRAY;
        for (const row of result.rows) row[i] = parsePgArray(row[i]);
      }
    });
    return result;
  };
  (patched as { patched?: boolean }).patched = true;
  proto.performIO = patched;
}

// PrismaPg's own shadow database, built from a connection string, replays migrations into
// the MAIN database. Create and use a separate one instead.
async function freshShadowDatabase(url: string): Promise<string> {
  const u = new URL(url);
  const name = `${u.pathname.slice(1) || "postgres"}_prisma_shadow`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  u.pathname = `/${name}`;
  return u.toString();
}

// Both drivers refuse several statements in one parameterized executeRaw (P3006 "External
// error" while replaying migrations into a shadow database): run parameterless SQL as a script.
const fixScripts = <
  T extends {
    executeRaw(q: { sql: string; args: unknown[] }): Promise<number>;
    executeScript(s: string): Promise<void>;
  },
>(
  a: T,
): T => {
  const executeRaw = a.executeRaw.bind(a);
  a.executeRaw = async (q) => {
    try {
      return await executeRaw(q);
    } catch (err) {
      if (process.env.PRISMA_CLI_DEBUG) console.error("executeRaw failed:", q.sql.slice(0, 80), err);
      if (q.args.length > 0) throw err;
      await a.executeScript(q.sql);
      return 0;
    }
  };
  return a;
};

export async function cliAdapterFor(url: string) {
  if (isPostgresUrl(url)) {
    const factory = new PrismaPg({ connectionString: url });
    const connect = factory.connect.bind(factory);
    factory.connect = async () => {
      const adapter = await connect();
      // PgQueryable.prototype: shared by the adapter and its transactions.
      patchQueryable(Object.getPrototypeOf(Object.getPrototypeOf(adapter)) as Queryable);
      return adapter;
    };
    factory.connectToShadowDb = async () => {
      const shadow = new PrismaPg({ connectionString: await freshShadowDatabase(url) });
      const adapter = await shadow.connect();
      patchQueryable(Object.getPrototypeOf(Object.getPrototypeOf(adapter)) as Queryable);
      return fixScripts(adapter);
    };
    return factory;
  }
  const factory = new PrismaBetterSQLite3({ url });
  const connect = factory.connect.bind(factory);
  const connectShadow = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => fixScripts(await connect());
  factory.connectToShadowDb = async () => fixScripts(await connectShadow());
  return factory;
}
