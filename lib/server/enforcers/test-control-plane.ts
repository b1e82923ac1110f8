/**
 * A minimal control-plane process for the multi-replica long-poll test: the REAL config route
 * handler and publish function, served over node:http, LISTENing on PostgreSQL. Run with
 * `node --conditions=react-server --import tsx lib/server/enforcers/test-control-plane.ts`
 * (DATABASE_URL set); prints `READY <url>` once it listens and LISTEN is active. Test-only.
 */
import { GET as configRoute } from "@/app/api/v1/enforcer/config/route";
import { publishConfig } from "../config/publish";
import { ensureListening } from "./notifier";
import { testActor, testCtx } from "./test-fixtures";
import { serveRoutes } from "./test-http";

async function publishRoute(request: Request): Promise<Response> {
  const { resourceId, note } = (await request.json()) as { resourceId: string; note: string };
  const version = await publishConfig(testActor, { resourceId, note }, testCtx);
  return Response.json({ version, publishedAtMs: Date.now() });
}

await ensureListening();
const server = await serveRoutes({ "GET /api/v1/enforcer/config": configRoute, "POST /test/publish": publishRoute });
process.stdout.write(`READY ${server.url}\n`);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
