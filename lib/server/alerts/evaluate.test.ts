import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, describe, expect, it } from "vitest";
import { PrismaClient as PgClient } from "@/lib/generated/postgresql/client";
import { type Db, db } from "../db";
import { env, isPostgres } from "../env";
import { createTestResource, testActor } from "../telemetry/test-fixtures";
import { EVALUATOR_LOCK_KEY, evaluateAlerts } from "./evaluate";
import { createRule } from "./rules";

const ctx = { requestId: "evaluate-test", ip: null };
const MINUTE = 60_000;

/** A second, independent connection pool: what another control-plane replica would hold. */
const other: Db | null = isPostgres()
  ? (new PgClient({ adapter: new PrismaPg({ connectionString: env().DATABASE_URL, max: 2 }) }) as unknown as Db)
  : null;
afterAll(async () => {
  await other?.$disconnect();
});

describe.runIf(isPostgres())("one evaluator at a time on PostgreSQL", () => {
  it("skips the cycle while another connection holds the advisory lock, and runs once it is released", async () => {
    const replica = other as Db;
    let release = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    let locked = () => {};
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    // "Replica A" is mid-cycle: its transaction holds the lock.
    const holder = db().$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock($1)", EVALUATOR_LOCK_KEY);
        locked();
        await released;
      },
      { timeout: 30_000 },
    );
    await isLocked;
    const blocked = await evaluateAlerts({ client: replica, now: new Date(Date.now() + 10 * MINUTE) });
    expect(blocked).toMatchObject({ ran: false, skipped: "locked" });
    release();
    await holder;
    const after = await evaluateAlerts({ client: replica, now: new Date(Date.now() + 11 * MINUTE) });
    expect(after.ran).toBe(true);
  });

  it("two replicas started together: exactly one evaluates the cycle and opens the alert once", async () => {
    const { resourceId } = await createTestResource();
    const rule = await createRule(
      testActor,
      {
        kind: "credential_expiring",
        reason: "",
        resourceId,
        threshold: 14,
        windowMin: 1,
        forMin: 0,
        resolveMin: 2,
        renotifyMin: 0,
        enabled: true,
        channelIds: [],
      },
      ctx,
    );
    // The fixture's credential expires in 3 days.
    await db().enforcerCredential.updateMany({
      where: { resourceId },
      data: { expiresAt: new Date(Date.now() + 3 * 86_400_000) },
    });
    const now = new Date(Date.now() + 20 * MINUTE);
    const results = await Promise.all([
      evaluateAlerts({ now, minIntervalMs: 30_000 }),
      evaluateAlerts({ client: other as Db, now, minIntervalMs: 30_000 }),
    ]);
    expect(results.filter((r) => r.ran)).toHaveLength(1);
    expect(results.find((r) => !r.ran)?.skipped).toMatch(/locked|recent/);
    const alerts = await db().alert.findMany({ where: { ruleId: rule.id } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ state: "firing", value: 3 });
    // 20 s later another replica's timer fires: the cycle was just done, it skips.
    const late = await evaluateAlerts({
      client: other as Db,
      now: new Date(now.getTime() + 20_000),
      minIntervalMs: 30_000,
    });
    expect(late).toMatchObject({ ran: false, skipped: "recent" });
  });
});

describe.runIf(!isPostgres())("one evaluator at a time on SQLite", () => {
  it("a second cycle started while one runs in this process is skipped", async () => {
    const now = new Date(Date.now() + 30 * MINUTE);
    const results = await Promise.all([evaluateAlerts({ now }), evaluateAlerts({ now })]);
    expect(results.map((r) => r.ran).sort()).toEqual([false, true]);
  });
});
