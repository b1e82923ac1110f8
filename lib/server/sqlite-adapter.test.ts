import Database from "better-sqlite3";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { db } from "./db";
import { writeHealth } from "./db-faults";
import { isPostgres } from "./env";

/**
 * The guarded SQLite adapter (issue 23 §5, prisma/orm#29933), without root: a COMMIT made to fail by a
 * deferred foreign key, which leaves SQLite inside the open transaction exactly like a full disk can.
 * The full-disk run itself is e2e/faults/sqlite-full-disk.test.ts.
 */
const file = () => inject("databaseUrl").replace(/^file:/, "");
/** A second connection: what another process (or a restart) would see. */
function committedIds(table: string): number[] {
  const other = new Database(file(), { readonly: true });
  try {
    return (other.prepare(`SELECT id FROM ${table} ORDER BY id`).all() as { id: number }[]).map((r) => r.id);
  } finally {
    other.close();
  }
}
const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`hung for ${ms} ms`)), ms))]);

describe.skipIf(isPostgres())("the guarded SQLite adapter", () => {
  beforeAll(async () => {
    await db().$executeRawUnsafe("CREATE TABLE IF NOT EXISTS guard_parent (id INTEGER PRIMARY KEY)");
    await db().$executeRawUnsafe(
      "CREATE TABLE IF NOT EXISTS guard_child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES guard_parent(id) DEFERRABLE INITIALLY DEFERRED)",
    );
    await db().$executeRawUnsafe("CREATE TABLE IF NOT EXISTS guard_note (id INTEGER PRIMARY KEY)");
  });

  it("rolls back after a failed COMMIT and keeps working: no leaked lock, no transaction left open", async () => {
    const failing = db().$transaction(async (tx) => {
      await tx.$executeRawUnsafe("INSERT INTO guard_child (id, parent) VALUES (1, 999)"); // checked at COMMIT
    });
    await expect(within(2000, failing)).rejects.toThrow(/foreign ?key/i);
    // The next transaction gets the connection at once (stock adapter: waits forever for the mutex).
    await within(
      1000,
      db().$transaction(async (tx) => tx.$executeRawUnsafe("INSERT INTO guard_note (id) VALUES (1)")),
    );
    // A write outside a transaction is committed for real (stock adapter: it lands in the transaction
    // the failed COMMIT left open, acknowledged and then lost).
    await within(1000, db().$executeRawUnsafe("INSERT INTO guard_note (id) VALUES (2)"));
    expect(committedIds("guard_note")).toEqual([1, 2]);
    expect(committedIds("guard_child")).toEqual([]);
    expect(writeHealth().status).toBe("ok");
  });

  it("never runs a statement inside another request's transaction", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let entered!: () => void;
    const inside = new Promise<void>((r) => {
      entered = r;
    });
    const doomed = db().$transaction(async (tx) => {
      await tx.$executeRawUnsafe("INSERT INTO guard_note (id) VALUES (10)");
      entered();
      await held;
      throw new Error("changed my mind");
    });
    await inside;
    // Another request writes while that transaction is open: when it is acknowledged, it is committed
    // (stock adapter: acknowledged at once, inside the open transaction, then rolled back with it).
    const other = db()
      .$executeRawUnsafe("INSERT INTO guard_note (id) VALUES (11)")
      .then(() => committedIds("guard_note"));
    await new Promise((r) => setTimeout(r, 50));
    release();
    await expect(doomed).rejects.toThrow("changed my mind");
    expect(await other).toContain(11);
    expect(committedIds("guard_note")).toContain(11);
    expect(committedIds("guard_note")).not.toContain(10);
  });
});
