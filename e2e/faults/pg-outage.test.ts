import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPgDatabase } from "./harness";

/**
 * Issue 23 §6: PostgreSQL outages answer 503 `database_unavailable` with Retry-After, never 500, on the
 * admin REST API (withAdmin), the enforcer APIs (config, heartbeat, telemetry) and server actions, and
 * everything works again without a restart once the database is back. The outage is real: a database
 * this test creates is closed to new connections (`ALLOW_CONNECTIONS false`) and its backends
 * terminated; the pool is exhausted with real sleeping queries. Only the session cookie and request
 * headers (Next's request scope) are stood in for.
 */
const stand = vi.hoisted(() => ({ adminId: "", headers: new Headers({ "x-request-id": "outage-test" }) }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => ({ adminId: stand.adminId, sessionVersion: 0 }),
}));
vi.mock("next/headers", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/headers")>()),
  headers: async () => stand.headers,
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

let pgdb: Awaited<ReturnType<typeof createPgDatabase>> = null;
beforeAll(async () => {
  pgdb = await createPgDatabase("portcullis_outage");
  if (pgdb) process.env.DATABASE_URL = pgdb.url; // before the first db() call: lib/server reads it lazily
}, 60_000);

afterAll(async () => {
  if (!pgdb) return;
  const { db } = await import("@/lib/server/db");
  const { stopListening } = await import("@/lib/server/enforcers/notifier");
  await Promise.race([
    Promise.all([db().$disconnect(), stopListening()]).catch(() => {}),
    new Promise((r) => setTimeout(r, 3000)),
  ]);
  await pgdb.drop();
});

async function fixtures() {
  const { db } = await import("@/lib/server/db");
  const { createCredential } = await import("@/lib/server/enforcers/credentials");
  const { publishConfig } = await import("@/lib/server/config/publish");
  const { createTestResource, testActor, testCtx } = await import("@/lib/server/enforcers/test-fixtures");
  const created = await db().admin.create({
    data: { email: `outage-${randomUUID().slice(0, 8)}@example.test`, role: "admin", name: "Outage" },
  });
  stand.adminId = created.id;
  const { resourceId } = await createTestResource();
  const { secret } = await createCredential(testActor, { resourceId, name: "outage" }, testCtx);
  await publishConfig(testActor, { resourceId, note: "v1" }, testCtx);
  return { resourceId, secret };
}

/** Every surface once: the admin REST API, the three enforcer APIs and a server action. */
async function callEverything(resourceId: string, secret: string) {
  const { POST: publish } = await import("@/app/api/v1/resources/[id]/publish/route");
  const { GET: config } = await import("@/app/api/v1/enforcer/config/route");
  const { POST: heartbeat } = await import("@/app/api/v1/enforcer/heartbeat/route");
  const { POST: telemetry } = await import("@/app/api/v1/telemetry/route");
  const { publishAction } = await import("@/app/(dashboard)/resources/[id]/history/actions");
  const bearer = { authorization: `Bearer ${secret}` };
  const jsonHeaders = { ...bearer, "content-type": "application/json" };
  const timed = async <T>(p: () => Promise<T>) => {
    const started = performance.now();
    const value = await p();
    return { value, ms: performance.now() - started };
  };
  const routes = {
    publish: await timed(() =>
      publish(
        new Request(`http://127.0.0.1/api/v1/resources/${resourceId}/publish`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ note: "during the outage" }),
        }),
        { params: Promise.resolve({ id: resourceId }) },
      ),
    ),
    config: await timed(() =>
      config(new Request("http://127.0.0.1/api/v1/enforcer/config?wait=0", { headers: bearer })),
    ),
    heartbeat: await timed(() =>
      heartbeat(
        new Request("http://127.0.0.1/api/v1/enforcer/heartbeat", {
          method: "POST",
          headers: jsonHeaders,
          body: JSON.stringify({ instanceId: "outage-1", host: "h", moduleVersion: "1", appliedVersion: 1 }),
        }),
      ),
    ),
    telemetry: await timed(() =>
      telemetry(
        new Request("http://127.0.0.1/api/v1/telemetry", {
          method: "POST",
          headers: { ...jsonHeaders, "idempotency-key": `outage-${randomUUID()}` },
          body: JSON.stringify({
            events: [{ type: "decision", at: Date.now(), outcome: "allow", latencyMs: 1, resource: "https://x/mcp" }],
          }),
        }),
      ),
    ),
  };
  // The action publishes too, so it needs its own draft change (an unchanged draft is "nothing to publish");
  // while the database is refused the change fails like everything else, and the action answers 503.
  const { draftWith, setDraft } = await import("@/lib/server/enforcers/test-fixtures");
  await setDraft(resourceId, draftWith({ tools: [{ name: `action-${randomUUID().slice(0, 8)}` }] })).catch(() => {});
  const action = await timed(() => publishAction({ resourceId, note: "kept in the form" }));
  return { routes, action };
}

describe("PostgreSQL outages", () => {
  it("answer 503 database_unavailable with Retry-After everywhere while connections are refused, then heal", async () => {
    if (!pgdb) return;
    const { resourceId, secret } = await fixtures();

    await pgdb.refuseConnections();
    try {
      const { routes, action } = await callEverything(resourceId, secret);
      for (const [route, { value: res, ms }] of Object.entries(routes)) {
        const body = (await res.json()) as { error?: { code: string; message: string } };
        expect({ route, status: res.status, code: body.error?.code }).toEqual({
          route,
          status: 503,
          code: "database_unavailable",
        });
        expect(Number(res.headers.get("retry-after")), route).toBeGreaterThan(0);
        expect(body.error?.message).toMatch(/unavailable/);
        expect(ms, route).toBeLessThan(2000);
      }
      // A server action answers a message for the form (which keeps the user's input), not a throw.
      expect(action.value).toMatchObject({ ok: false, error: { code: "database_unavailable" } });
      expect(action.ms).toBeLessThan(2000);
    } finally {
      await pgdb.allowConnections();
    }

    // Back: the same calls work, no restart (with a draft change: an unchanged draft is "nothing to publish").
    const { draftWith, setDraft } = await import("@/lib/server/enforcers/test-fixtures");
    await setDraft(resourceId, draftWith({ tools: [{ name: "after-the-outage" }] }));
    const { routes, action } = await callEverything(resourceId, secret);
    expect(Object.fromEntries(Object.entries(routes).map(([route, { value }]) => [route, value.status]))).toEqual({
      publish: 201,
      config: 200,
      heartbeat: 200,
      telemetry: 200,
    });
    expect(action.value).toMatchObject({ ok: true });
  }, 60_000);

  it("answer 503, never 500, when a backend is terminated mid-transaction, and the next call works", async () => {
    if (!pgdb) return;
    const { db } = await import("@/lib/server/db");
    const { errorResponse } = await import("@/lib/server/api");
    // Started now (.then: Prisma queries are lazy), terminated while pg_sleep runs inside the transaction.
    const inFlight = db()
      .$transaction(async (tx) => {
        await tx.$executeRawUnsafe("SELECT pg_sleep(5)");
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    await new Promise((r) => setTimeout(r, 300));
    await pgdb?.terminateBackends();
    const err = await inFlight;
    expect(err).not.toBeNull();
    const res = errorResponse(err, "terminated");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: "database_unavailable" } });
    expect(res.headers.get("retry-after")).toBe("2");
    // The pool drops the dead connections: the next query gets a fresh one.
    await expect(db().$queryRawUnsafe("SELECT 1")).resolves.toBeDefined();
  }, 30_000);

  it("answer 503 when the pool cannot hand out a connection in time", async () => {
    if (!pgdb) return;
    const { db } = await import("@/lib/server/db");
    const { toAppError } = await import("@/lib/server/errors");
    // Ten sleeping queries hold the whole pool (max 10); the eleventh waits 5 s for a connection.
    // (.catch starts each one: Prisma queries are lazy until awaited.)
    const hogs = Array.from({ length: 10 }, () =>
      db()
        .$queryRawUnsafe("SELECT pg_sleep(6)")
        .catch(() => {}),
    );
    await new Promise((r) => setTimeout(r, 500));
    const started = performance.now();
    const err = await db()
      .$queryRawUnsafe("SELECT 1")
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).not.toBeNull();
    expect(toAppError(err)).toMatchObject({ code: "database_unavailable", status: 503, retryAfterSec: 2 });
    expect(performance.now() - started).toBeLessThan(6_500);
    await Promise.allSettled(hogs);
  }, 30_000);
});
