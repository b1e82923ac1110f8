/**
 * A minimal control-plane process for the multi-replica long-poll test (beside the route it serves, so no
 * lib/server file imports app/): the REAL config API as production serves it (scripts/serve.mjs answers it
 * before Next's router, with config-poll-node.ts; the route handler shares its code) and the publish
 * function, served over node:http, LISTENing on PostgreSQL. Run with
 * `node --conditions=react-server --import tsx app/api/v1/enforcer/config/test-control-plane.ts`
 * (DATABASE_URL set); prints `READY <url>` once it listens and LISTEN is active. Test-only.
 */
import { publishConfig } from "@/lib/server/config/publish";
import { handleConfigRequest } from "@/lib/server/enforcers/config-poll-node";
import { ensureListening } from "@/lib/server/enforcers/notifier";
import { testActor, testCtx } from "@/lib/server/enforcers/test-fixtures";
import { serveRoutes } from "@/lib/server/enforcers/test-http";

async function publishRoute(request: Request): Promise<Response> {
  const { resourceId, note } = (await request.json()) as { resourceId: string; note: string };
  const version = await publishConfig(testActor, { resourceId, note }, testCtx);
  return Response.json({ version, publishedAtMs: Date.now() });
}

await ensureListening();
const server = await serveRoutes(
  { "POST /test/publish": publishRoute },
  { "GET /api/v1/enforcer/config": handleConfigRequest },
);
process.stdout.write(`READY ${server.url}\n`);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
