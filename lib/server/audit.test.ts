import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyAuditChain, writeAudit } from "./audit";
import { db } from "./db";
import { isPostgres } from "./env";

const actor = { id: null, email: "tester@example.test" };

async function append(n: number, tag: string) {
  for (let i = 0; i < n; i++) {
    await db().$transaction((tx) =>
      writeAudit(tx, {
        actor,
        action: `test.${tag}`,
        targetType: "thing",
        targetId: `${tag}-${i}`,
        after: { i, secretHash: "must-not-appear" },
      }),
    );
  }
}

describe("hash-chained audit trail", () => {
  it("verifies an intact chain and redacts secret-looking fields", async () => {
    await append(3, randomUUID().slice(0, 8));
    const report = await verifyAuditChain();
    expect(report.ok).toBe(true);
    expect(report.checked).toBeGreaterThanOrEqual(3);
    const last = await db().auditEvent.findFirst({ orderBy: { seq: "desc" } });
    expect(last?.after).toContain("[redacted]");
    expect(last?.after).not.toContain("must-not-appear");
  });

  it("names the first row whose content was edited in the database", async () => {
    const tag = randomUUID().slice(0, 8);
    await append(3, tag);
    const target = await db().auditEvent.findFirst({ where: { targetId: `${tag}-1` } });
    if (!target) throw new Error("row missing");
    // Tamper directly in the database, as an attacker with DB access would.
    const table = isPostgres() ? '"AuditEvent"' : "AuditEvent";
    await db().$executeRawUnsafe(`UPDATE ${table} SET "after" = '{"i":99}' WHERE "seq" = ${target.seq}`);
    const report = await verifyAuditChain();
    expect(report.ok).toBe(false);
    expect(report.firstBroken?.seq).toBe(target.seq);
    expect(report.firstBroken?.reason).toMatch(/edited/);
    // Repair so later tests see an intact chain again: delete everything from the tampered row on.
    await db().$executeRawUnsafe(`DELETE FROM ${table} WHERE "seq" >= ${target.seq}`);
  });

  it("detects a deleted row by the broken link of the next one", async () => {
    const tag = randomUUID().slice(0, 8);
    await append(3, tag);
    const rows = await db().auditEvent.findMany({ where: { action: `test.${tag}` }, orderBy: { seq: "asc" } });
    const [, middle, last] = rows;
    if (!middle || !last) throw new Error("rows missing");
    const table = isPostgres() ? '"AuditEvent"' : "AuditEvent";
    await db().$executeRawUnsafe(`DELETE FROM ${table} WHERE "seq" = ${middle.seq}`);
    const report = await verifyAuditChain();
    expect(report.firstBroken?.seq).toBe(last.seq);
    expect(report.firstBroken?.reason).toMatch(/link/);
    await db().$executeRawUnsafe(`DELETE FROM ${table} WHERE "seq" >= ${last.seq}`);
  });
});
