import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { writeAudit } from "../audit";
import { db } from "../db";
import { isPostgres } from "../env";
import { testActor } from "../telemetry/test-fixtures";
import { deliverAuditStreams, STREAM_LOCK_KEY } from "./deliver";
import { createSink, getSink } from "./sinks";
import { httpReceiver, jsonLinesAt } from "./test-receivers";

/**
 * Restart safety on PostgreSQL: the deliverer's database connection dies (pg_terminate_backend, as
 * when its replica crashes) after the receiver has read a batch but before the cursor move commits.
 * Nothing is lost: the next cycle sends the same events again, with the same ids.
 */
const ctx = { requestId: "audit-stream-crash", ip: "127.0.0.1" };
const http = httpReceiver();
let admin: pg.Client;
beforeAll(async () => {
  await http.up();
  if (isPostgres()) {
    admin = new pg.Client({ connectionString: inject("databaseUrl") });
    await admin.connect();
  }
});
afterAll(async () => {
  await http.down();
  await admin?.end();
});

describe.skipIf(!isPostgres())("a deliverer that dies mid-cycle", () => {
  it("rolls its cursor move back; the next cycle resends the same ids", async () => {
    const path = `/crash-${Math.random().toString(36).slice(2, 8)}`;
    const { sink } = await createSink(
      testActor,
      {
        kind: "webhook",
        name: `crash-${path.slice(7)}`,
        url: `http://127.0.0.1:${http.port}${path}`,
        includeDenials: false,
        enabled: true,
      },
      ctx,
    );
    await db().$transaction((tx) => writeAudit(tx, { actor: testActor, action: "crash.1", targetType: "test", ctx }));
    // The first batch is read by the receiver, then the deliverer's backend is terminated before it answers.
    const killed = await new Promise<unknown>((resolve) => {
      http.onRequest = async () => {
        http.onRequest = undefined;
        const { rows } = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted",
          [STREAM_LOCK_KEY],
        );
        resolve(rows.length);
      };
      deliverAuditStreams({ sinkIds: [sink.id] }).then(resolve, resolve);
    });
    expect(killed).toBe(1);
    const ids = () => jsonLinesAt(http, path).map((e) => e.id);
    await expect.poll(() => ids().length).toBeGreaterThanOrEqual(2);
    const first = [...ids()];
    expect((await getSink(sink.id)).status.pending).toBe(2); // the cursor did not move
    await expect
      .poll(async () => (await deliverAuditStreams({ sinkIds: [sink.id] })).delivered, { timeout: 20_000 })
      .toBe(2);
    expect(ids()).toEqual([...first, ...first]); // resent: same ids, same order
    expect((await getSink(sink.id)).status.pending).toBe(0);
  });
});
