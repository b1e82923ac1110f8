import "server-only";
import { db } from "./db";
import { type WriteHealth, writeHealth } from "./db-faults";
import { env, isPostgres } from "./env";

export interface HealthReport {
  status: "ok" | "degraded";
  version: string;
  database: { status: "ok" | "unreachable"; provider: "postgresql" | "sqlite"; latencyMs: number };
  /** Reads can work while writes fail (a full disk): `degraded` until a write succeeds again. */
  writes: WriteHealth;
}

/** Liveness and readiness: does the database answer, can it take writes, which version and backend serve. */
export async function checkHealth(): Promise<HealthReport> {
  const started = performance.now();
  let database: "ok" | "unreachable" = "ok";
  try {
    await db().$queryRawUnsafe("SELECT 1");
  } catch {
    database = "unreachable";
  }
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  if (database === "ok" && writeHealth().status === "degraded") await probeWrite();
  const writes = writeHealth();
  return {
    status: database === "ok" && writes.status === "ok" ? "ok" : "degraded",
    version: env().PORTCULLIS_VERSION,
    database: { status: database, provider: isPostgres() ? "postgresql" : "sqlite", latencyMs },
    writes,
  };
}

/**
 * After a failed write, try one that changes nothing but still needs space: SQLite rewrites the
 * header page (user_version, unused by Prisma) into the WAL. Its outcome updates the write state
 * (the guarded adapter sees it), so health turns ok as soon as space is back, even when idle.
 */
async function probeWrite(): Promise<void> {
  if (isPostgres()) return;
  try {
    const rows = await db().$queryRawUnsafe<{ user_version: bigint | number }[]>("PRAGMA user_version");
    await db().$executeRawUnsafe(`PRAGMA user_version = ${Number(rows[0]?.user_version ?? 0)}`);
  } catch {
    // Recorded by the adapter; the report says degraded.
  }
}
