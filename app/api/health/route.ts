import { db } from "@/lib/server/db";
import { env, isPostgres } from "@/lib/server/env";

export const dynamic = "force-dynamic";

/** Liveness and readiness: the database answers, and which version and backend serve. */
export async function GET(): Promise<Response> {
  const started = performance.now();
  let database: "ok" | "unreachable" = "ok";
  try {
    await db().$queryRawUnsafe("SELECT 1");
  } catch {
    database = "unreachable";
  }
  const body = {
    status: database === "ok" ? "ok" : "degraded",
    version: env().PORTCULLIS_VERSION,
    database: {
      status: database,
      provider: isPostgres() ? "postgresql" : "sqlite",
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
    },
  };
  return Response.json(body, { status: database === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
}
