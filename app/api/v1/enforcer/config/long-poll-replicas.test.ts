import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, describe, expect, inject, it } from "vitest";
import { publishConfig } from "@/lib/server/config/publish";
import { createCredential } from "@/lib/server/enforcers/credentials";
import { createTestResource, testActor, testCtx } from "@/lib/server/enforcers/test-fixtures";
import { isPostgres } from "@/lib/server/env";

/**
 * Cross-process wake-up through PostgreSQL LISTEN/NOTIFY: two control-plane processes on one
 * database; a long-poll held by one returns the new bundle as soon as the other publishes.
 * Runs on PostgreSQL only (TEST_DB=postgres); SQLite is one process by design.
 */
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGTERM");
});

function startReplica(): Promise<string> {
  const child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "app/api/v1/enforcer/config/test-control-plane.ts"],
    {
      env: { ...process.env, DATABASE_URL: inject("databaseUrl"), LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /READY (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`replica exited with ${code}`)));
  });
}

describe.skipIf(!isPostgres())("long-poll across control-plane replicas (PostgreSQL LISTEN/NOTIFY)", () => {
  it("wakes a long-poll held by replica A when replica B publishes", async () => {
    const [a, b] = await Promise.all([startReplica(), startReplica()]);
    const { resourceId } = await createTestResource();
    const { secret } = await createCredential(testActor, { resourceId, name: "replicas" }, testCtx);
    const v1 = await publishConfig(testActor, { resourceId, note: "v1" }, testCtx);
    const headers = { authorization: `Bearer ${secret}`, "if-none-match": v1.etag };

    for (const [round, [waiter, publisher]] of [
      [a, b],
      [b, a],
    ].entries()) {
      const started = Date.now();
      const poll = fetch(`${waiter}/api/v1/enforcer/config?wait=30`, { headers }).then((res) => ({
        res,
        at: Date.now(),
      }));
      await new Promise((r) => setTimeout(r, 300)); // let the poll reach its wait
      const published = await fetch(`${publisher}/test/publish`, {
        method: "POST",
        body: JSON.stringify({ resourceId, note: `round ${round}` }),
      });
      const { publishedAtMs, version } = (await published.json()) as {
        publishedAtMs: number;
        version: { version: number };
      };
      const { res, at } = await poll;
      expect(res.status).toBe(200);
      expect(res.headers.get("x-portcullis-config-version")).toBe(String(version.version));
      // Woken by the NOTIFY, not by the 30 s timeout.
      expect(at - started).toBeLessThan(10_000);
      process.stdout.write(`replica wake-up round ${round}: ${at - publishedAtMs} ms after publish\n`);
      headers["if-none-match"] = res.headers.get("etag") ?? "";
    }
  }, 60_000);
});
