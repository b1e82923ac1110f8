import { describe, expect, it } from "vitest";
import { classifyDbFault } from "./db-faults";
import { toAppError } from "./errors";

/**
 * The shapes storage faults arrive in (issue 23 §5-6): driver errors, Prisma's wrappers of adapter
 * errors, socket errors and messages. The real faults are provoked in e2e/faults/.
 */
const sqlite = (code: string, message: string) => Object.assign(new Error(message), { code });
const prisma = (code: string, cause?: unknown) =>
  Object.assign(new Error("Invalid invocation"), { code, meta: cause ? { driverAdapterError: cause } : undefined });

describe("classifyDbFault", () => {
  it.each([
    ["SQLite full disk", sqlite("SQLITE_FULL", "database or disk is full"), "storage_full"],
    ["PostgreSQL disk full", prisma("P2010", { cause: { kind: "postgres", code: "53100" } }), "storage_full"],
    ["SQLite busy (adapter: SocketTimeout → P1008)", prisma("P1008"), "database_unavailable"],
    ["SQLite locked", sqlite("SQLITE_LOCKED", "database table is locked"), "database_unavailable"],
    ["SQLite I/O error", sqlite("SQLITE_IOERR_WRITE", "disk I/O error"), "database_unavailable"],
    [
      "refused connection",
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      "database_unavailable",
    ],
    ["not reachable (P1001)", prisma("P1001"), "database_unavailable"],
    ["terminated backend", prisma("P2010", { cause: { kind: "postgres", code: "57P01" } }), "database_unavailable"],
    [
      "not accepting connections",
      new Error('database "x" is not currently accepting connections'),
      "database_unavailable",
    ],
    ["lost connection", new Error("Connection terminated unexpectedly"), "database_unavailable"],
    ["pool timeout", new Error("timeout exceeded when trying to connect"), "database_unavailable"],
    ["too many connections", prisma("P2037"), "database_unavailable"],
    [
      "busy: no transaction slot within maxWait",
      new Error("Transaction API error: Unable to start a transaction in the given time."),
      "database_unavailable",
    ],
    ["a unique violation is not a fault", prisma("P2002"), null],
    ["a bug is not a fault", new TypeError("x is undefined"), null],
    ["nothing", undefined, null],
  ])("%s", (_name, err, fault) => {
    expect(classifyDbFault(err)).toBe(fault);
  });

  it("becomes a 503 with Retry-After, and a bug stays a 500", () => {
    expect(toAppError(sqlite("SQLITE_FULL", "database or disk is full"))).toMatchObject({
      code: "storage_full",
      status: 503,
      retryAfterSec: 10,
    });
    expect(toAppError(prisma("P1001"))).toMatchObject({ code: "database_unavailable", status: 503, retryAfterSec: 2 });
    expect(toAppError(new TypeError("x"))).toMatchObject({ code: "internal", status: 500 });
  });
});
