import "server-only";
import type { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { noteWriteFailure, noteWriteSuccess } from "./db-faults";

/**
 * A guard around `@prisma/adapter-better-sqlite3` 6.19 that keeps the ONE shared SQLite connection
 * usable after a failed COMMIT (prisma/orm#29933). The stock adapter has two defects:
 * 1. Prisma commits by sending `COMMIT` through the transaction and then calling `commit()`, which
 *    releases the adapter's transaction mutex. When `COMMIT` throws (SQLITE_FULL, SQLITE_IOERR, …),
 *    `commit()` is never called: the mutex leaks, every later transaction waits for it forever, and
 *    the connection may stay inside the open transaction.
 * 2. Queries outside a transaction do not take that mutex, so on the one connection they run INSIDE
 *    whatever transaction is open: a write acknowledged to its caller is rolled back with someone
 *    else's transaction, and a read sees uncommitted rows.
 * The guard serializes every statement behind one lock (a transaction holds it from BEGIN to its end),
 * answers a failed COMMIT with a ROLLBACK, and always releases the lock exactly once.
 */
type Adapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;
type Query = Parameters<Adapter["queryRaw"]>[0];

/** A FIFO lock; `acquire` resolves to a release function that is safe to call twice. */
function createLock() {
  let tail: Promise<void> = Promise.resolve();
  return {
    acquire(): Promise<() => void> {
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      const ready = tail.then(() => {
        let done = false;
        return () => {
          if (done) return;
          done = true;
          release();
        };
      });
      tail = tail.then(() => held);
      return ready;
    },
  };
}

type Lock = ReturnType<typeof createLock>;

async function withLock<T>(lock: Lock, fn: () => Promise<T>): Promise<T> {
  const release = await lock.acquire();
  try {
    return await fn();
  } finally {
    release();
  }
}

const isWrite = (sql: string) => !/^\s*(select|with|pragma\s+\w+\s*$|explain)\b/i.test(sql);

/** Track write outcomes for /api/health: a failed write marks writes degraded until one succeeds. */
async function tracked<T>(sql: string, run: () => Promise<T>): Promise<T> {
  try {
    const result = await run();
    if (isWrite(sql)) noteWriteSuccess();
    return result;
  } catch (err) {
    if (isWrite(sql)) noteWriteFailure(err);
    throw err;
  }
}

function guardTransaction(tx: Transaction, releaseLock: () => void): Transaction {
  let finished = false;
  // Release the adapter's own mutex (its commit()/rollback() do only that) and our lock, once.
  const finish = async () => {
    if (finished) return;
    finished = true;
    try {
      await tx.rollback();
    } finally {
      releaseLock();
    }
  };
  const control = async (query: Query): Promise<number> => {
    const verb = query.sql.trim().toUpperCase();
    if (verb === "COMMIT") {
      try {
        return await tracked(query.sql, () => tx.executeRaw(query));
      } catch (err) {
        // SQLite may or may not have rolled back by itself (sqlite.org/lang_transaction.html:
        // "respond to these errors by explicitly issuing a ROLLBACK"); a ROLLBACK with no open
        // transaction fails harmlessly.
        await tx.executeRaw({ sql: "ROLLBACK", args: [], argTypes: [] }).catch(() => {});
        await finish();
        throw err;
      }
    }
    try {
      return await tx.executeRaw(query);
    } catch (err) {
      // A ROLLBACK that failed leaves no transaction to end: release, and let Prisma report it.
      await finish();
      throw err;
    }
  };
  return {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: (query) => tracked(query.sql, () => tx.queryRaw(query)),
    executeRaw: (query) =>
      /^\s*(COMMIT|ROLLBACK)\s*$/i.test(query.sql) ? control(query) : tracked(query.sql, () => tx.executeRaw(query)),
    commit: finish,
    rollback: finish,
  };
}

function guardAdapter(inner: Adapter): Adapter {
  const lock = createLock();
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => withLock(lock, () => tracked(query.sql, () => inner.queryRaw(query))),
    executeRaw: (query) => withLock(lock, () => tracked(query.sql, () => inner.executeRaw(query))),
    executeScript: (script) => withLock(lock, () => inner.executeScript(script)),
    async startTransaction(isolationLevel) {
      const release = await lock.acquire();
      try {
        return guardTransaction(await inner.startTransaction(isolationLevel), release);
      } catch (err) {
        release();
        throw err;
      }
    },
    ...(inner.getConnectionInfo ? { getConnectionInfo: () => inner.getConnectionInfo?.() ?? {} } : {}),
    dispose: () => inner.dispose(),
  } as Adapter;
}

/**
 * Wrap the stock factory: same connection, same options, plus `setup` (PRAGMAs) run once per connection.
 *
 * @example
 * new PrismaClient({ adapter: guardedSqlite(new PrismaBetterSQLite3({ url }), "PRAGMA journal_mode = WAL;") })
 */
export function guardedSqlite(factory: PrismaBetterSQLite3, setup = ""): PrismaBetterSQLite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = guardAdapter(await connect());
    if (setup) await adapter.executeScript(setup);
    return adapter;
  };
  return factory;
}
