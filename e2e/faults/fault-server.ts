/**
 * A control-plane process for the storage-fault tests: the REAL enforcer routes (config, as
 * scripts/serve.mjs serves it, before Next's router; heartbeat, telemetry) and health route over node:http, plus two test routes: an audited admin write
 * (`POST /test/admin-write`: a new enforcer credential, errors mapped by the same errorResponse that
 * withAdmin uses) and `GET /test/counts` (what the database holds). Run with
 * `node --import ./e2e/faults/server-only-hook.mjs --import tsx e2e/faults/fault-server.ts` (DATABASE_URL set);
 * prints `READY <url>` once it listens. Test-only: it can be killed and restarted on the same file.
 */
import { randomUUID } from "node:crypto";
import { GET as healthRoute } from "@/app/api/health/route";
import { POST as heartbeatRoute } from "@/app/api/v1/enforcer/heartbeat/route";
import { POST as telemetryRoute } from "@/app/api/v1/telemetry/route";
import { errorResponse } from "@/lib/server/api";
import { publishConfig } from "@/lib/server/config/publish";
import { db } from "@/lib/server/db";
import { handleConfigRequest } from "@/lib/server/enforcers/config-poll-node";
import { createCredential } from "@/lib/server/enforcers/credentials";
import { createTestResource, testActor, testCtx } from "@/lib/server/enforcers/test-fixtures";
import { serveRoutes } from "@/lib/server/enforcers/test-http";

async function seed(): Promise<Response> {
  const { resourceId } = await createTestResource();
  const { secret } = await createCredential(testActor, { resourceId, name: "fault-tests" }, testCtx);
  const { secret: unused } = await createCredential(testActor, { resourceId, name: "unused" }, testCtx);
  await publishConfig(testActor, { resourceId, note: "v1" }, testCtx);
  return Response.json({ resourceId, secret, unused });
}

async function adminWrite(request: Request): Promise<Response> {
  const requestId = randomUUID();
  try {
    const { resourceId } = (await request.json()) as { resourceId: string };
    const name = `admin-write-${randomUUID().slice(0, 8)}`;
    const { credential } = await createCredential(testActor, { resourceId, name }, { requestId, ip: null });
    return Response.json({ id: credential.id }, { status: 201 });
  } catch (err) {
    return errorResponse(err, requestId);
  }
}

async function counts(request: Request): Promise<Response> {
  const resourceId = new URL(request.url).searchParams.get("resourceId") ?? "";
  const [events, credentials] = await Promise.all([
    db().telemetryEvent.count({ where: { resourceId } }),
    db().enforcerCredential.findMany({ where: { resourceId }, select: { id: true } }),
  ]);
  return Response.json({ events, credentialIds: credentials.map((c) => c.id) });
}

const server = await serveRoutes(
  {
    "GET /api/health": () => healthRoute(),
    "POST /api/v1/enforcer/heartbeat": heartbeatRoute,
    "POST /api/v1/telemetry": telemetryRoute,
    "POST /test/seed": seed,
    "POST /test/admin-write": adminWrite,
    "GET /test/counts": counts,
  },
  // The config long-poll as production serves it: straight from node:http (scripts/serve.mjs, issue 17).
  { "GET /api/v1/enforcer/config": handleConfigRequest },
);
process.stdout.write(`READY ${server.url}\n`);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
