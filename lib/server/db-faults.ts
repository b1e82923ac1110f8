import "server-only";

/**
 * Storage faults, told apart from bugs: a database that cannot be reached (refused or lost
 * connections, pool timeouts, a server shutting down, a busy SQLite file) or a disk that is full
 * is an outage the client should retry (503 + Retry-After), not a 500.
 * Also the write-health state that /api/health reports: after a write failed for a storage reason,
 * writes count as degraded until one succeeds (SQLite: the guarded adapter reports every write;
 * PostgreSQL: the state lapses WRITE_FAULT_TTL_MS after the last failure).
 */
export type DbFault = "storage_full" | "database_unavailable";

/** PostgreSQL SQLSTATEs: class 08 connection exception, 53 insufficient resources, 57P0x shutdown, 55000/55006 not accepting, 55P03 lock timeout, 40P01 deadlock. */
const PG_FULL = new Set(["53100"]);
const PG_UNAVAILABLE = /^(08\d{3}|53\d{3}|57P0[1-5]|55000|55006|55P03|40P01)$/;
/** Prisma codes for adapter errors: not reachable, timeouts, closed connections, too many connections, pool timeout. */
const PRISMA_UNAVAILABLE = new Set(["P1001", "P1002", "P1008", "P1011", "P1017", "P2024", "P2037"]);
const SOCKET = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "EAI_AGAIN"]);
const MESSAGE_UNAVAILABLE =
  /connection terminated|terminating connection|connection (?:is )?(?:closed|ended|refused)|timeout exceeded when trying to connect|not currently accepting connections|the database system is (?:starting up|shutting down)|Can't reach database server|Client has encountered a connection error|Connection lost|database is locked|Unable to start a transaction in the given time/i;
const MESSAGE_FULL = /database or disk is full|No space left on device|could not extend file|SQLITE_FULL/i;
/**
 * Prisma's own transactions (updateMany, nested writes) lose the error of a failed COMMIT: it marks the
 * transaction committed, tries to roll back, and throws this instead. It only ever means "COMMIT failed",
 * so it takes the fault the adapter just recorded (storage_full on a full disk).
 */
const FAILED_COMMIT = /rollback cannot be executed on a committed transaction/i;

/** Walk an error, its `cause` chain and Prisma's adapter-error metadata; at most a few levels. */
function* facets(err: unknown): Generator<{ code?: unknown; message?: unknown; kind?: unknown }> {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth++) {
    const e = current as {
      code?: unknown;
      message?: unknown;
      kind?: unknown;
      originalCode?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: unknown; code?: unknown; message?: unknown };
    };
    yield { code: e.code, message: e.message, kind: e.kind };
    if (e.originalCode !== undefined) yield { code: e.originalCode };
    if (e.meta) yield { code: e.meta.code, message: e.meta.message };
    current = e.meta?.driverAdapterError ?? e.cause;
  }
}

/** Which storage fault an error is, if any. */
export function classifyDbFault(err: unknown): DbFault | null {
  let unavailable = false;
  for (const f of facets(err)) {
    const code = typeof f.code === "string" ? f.code : "";
    const message = typeof f.message === "string" ? f.message : "";
    if (code === "SQLITE_FULL" || PG_FULL.has(code) || MESSAGE_FULL.test(message)) return "storage_full";
    if (FAILED_COMMIT.test(message)) return writeState().fault ?? "database_unavailable";
    if (
      PRISMA_UNAVAILABLE.has(code) ||
      SOCKET.has(code) ||
      PG_UNAVAILABLE.test(code) ||
      /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|READONLY|PROTOCOL)/.test(code) ||
      ["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"].includes(String(f.kind)) ||
      MESSAGE_UNAVAILABLE.test(message)
    )
      unavailable = true;
  }
  return unavailable ? "database_unavailable" : null;
}

// ---- write health --------------------------------------------------------------------------

export const WRITE_FAULT_TTL_MS = 30_000;

interface WriteState {
  failedAt?: number;
  fault?: DbFault;
  /** Set by the guarded SQLite adapter: its successes clear the state, so it does not lapse. */
  tracked?: boolean;
}
const globalForFaults = globalThis as unknown as { portcullisWriteState?: WriteState };
const writeState = (): WriteState => {
  globalForFaults.portcullisWriteState ??= {};
  return globalForFaults.portcullisWriteState;
};

/** A write failed: remember it when it was a storage fault. */
export function noteWriteFailure(err: unknown): void {
  const fault = classifyDbFault(err);
  if (fault !== "storage_full" && !(fault && writeState().tracked)) return;
  Object.assign(writeState(), { failedAt: Date.now(), fault });
}

/** A write committed (guarded SQLite adapter): writes are healthy again. */
export function noteWriteSuccess(): void {
  const s = writeState();
  s.tracked = true;
  s.failedAt = undefined;
  s.fault = undefined;
}

export interface WriteHealth {
  status: "ok" | "degraded";
  fault?: DbFault;
  since?: string;
}

export function writeHealth(now = Date.now()): WriteHealth {
  const s = writeState();
  if (s.failedAt === undefined) return { status: "ok" };
  if (!s.tracked && now - s.failedAt > WRITE_FAULT_TTL_MS) return { status: "ok" };
  return { status: "degraded", fault: s.fault, since: new Date(s.failedAt).toISOString() };
}
