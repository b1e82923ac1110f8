import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDatabase, type ServerProcess, startServer } from "./harness";

/**
 * Issue 23 §7: after a failover window the LISTEN connection that carries long-poll wake-ups across
 * replicas comes back at once (not on a long backoff), and wakes the long-polls waiting on it; a publish
 * made right after the database returns reaches an enforcer long-polling on another replica in < 250 ms.
 * The window is real: the test's own database refuses connections and its backends are terminated.
 */
let pgdb: Awaited<ReturnType<typeof createPgDatabase>> = null;
let replica: ServerProcess | undefined;

beforeAll(async () => {
  pgdb = await createPgDatabase("portcullis_listen");
  if (pgdb) process.env.DATABASE_URL = pgdb.url; // before the first db() call
}, 60_000);

afterAll(async () => {
  await replica?.stop("SIGKILL");
  if (!pgdb) return;
  const { db } = await import("@/lib/server/db");
  await Promise.race([
    db()
      .$disconnect()
      .catch(() => {}),
    new Promise((r) => setTimeout(r, 3000)),
  ]);
  await pgdb.drop();
});

describe("the LISTEN connection after a failover window", () => {
  it("reconnects at once and wakes a long-poll on another replica < 250 ms after a publish", async () => {
    if (!pgdb) return;
    const { publishConfig } = await import("@/lib/server/config/publish");
    const { createCredential } = await import("@/lib/server/enforcers/credentials");
    const { createTestResource, draftWith, setDraft, testActor, testCtx } = await import(
      "@/lib/server/enforcers/test-fixtures"
    );
    // Replica A runs the real config route and LISTENs; this process plays replica B (it publishes).
    replica = await startServer(pgdb.url, { script: "app/api/v1/enforcer/config/test-control-plane.ts" });
    const { resourceId } = await createTestResource();
    const { secret } = await createCredential(testActor, { resourceId, name: "listen" }, testCtx);
    const v1 = await publishConfig(testActor, { resourceId, note: "v1" }, testCtx);

    const headers = { authorization: `Bearer ${secret}`, "if-none-match": v1.etag };
    // A first request warms replica A up (Prisma's first query), so the poll below is really waiting.
    expect((await fetch(`${replica.url}/api/v1/enforcer/config?wait=0`, { headers })).status).toBe(304);
    const started = performance.now();
    const poll = fetch(`${replica.url}/api/v1/enforcer/config?wait=30`, { headers }).then((res) => ({
      res,
      at: performance.now(),
    }));
    await new Promise((r) => setTimeout(r, 300)); // the poll is waiting on replica A

    // The failover window: 2 s with no connections at all (A's LISTEN connection is terminated too).
    await pgdb.refuseConnections();
    await new Promise((r) => setTimeout(r, 2000));
    await pgdb.allowConnections();
    const backAt = performance.now();
    await setDraft(resourceId, draftWith({ tools: [{ name: "after-failover" }] }));
    const v2 = await publishConfig(testActor, { resourceId, note: "after the failover" }, testCtx);
    const publishedAt = performance.now();

    const { res, at } = await poll;
    expect(res.status).toBe(200);
    expect(res.headers.get("x-portcullis-config-version")).toBe(String(v2.version));
    const wakeMs = at - publishedAt;
    process.stdout.write(
      `LISTEN after failover: publish → wake-up on the other replica ${Math.round(wakeMs)} ms ` +
        `(database back → wake-up ${Math.round(at - backAt)} ms, poll held ${Math.round(at - started)} ms)\n`,
    );
    expect(wakeMs).toBeLessThan(250);
  }, 60_000);
});
