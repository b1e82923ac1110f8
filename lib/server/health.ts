import "server-only";
import { db } from "./db";
import { env, isPostgres } from "./env";

export interface HealthReport {
  status: "ok" | "degraded";
  version: string;
  database: { status: "ok" | "unreachable"; provider: "postgresql" | "sqlite"; latencyMs: number };
}

/** Liveness and readiness: does the database answer, and which version and backend serve. */
export async function checkHealth(): Promise<HealthReport> {
  const started = performance.now();
  let database: "ok" | "unreachable" = "ok";
  try {
    await db().$queryRawUnsafe("SELECT 1");
  } catch {
    database = "unreachable";
  }
  return {
    status: database === "ok" ? "ok" : "degraded",
    version: env().PORTCULLIS_VERSION,
    database: {
      status: database,
      provider: isPostgres() ? "postgresql" : "sqlite",
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
    },
  };
}
