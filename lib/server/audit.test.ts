import { randomUUID } from "node:crypto";
import { CompactSign, exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { auditRowHash, canonicalRow, ensureAuditAnchor, verifyAuditChain, writeAudit } from "./audit";
import { keyedHash, writeCheckpoint } from "./audit-anchor";
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

/** What an operator with the key would do after a deliberate cut; here, to leave the chain intact for later tests. */
async function reanchor() {
  await db().$transaction(async (tx) => {
    const head = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
    if (head) await writeCheckpoint(tx, head);
  });
  expect((await verifyAuditChain()).ok).toBe(true);
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
    await reanchor();
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
    await reanchor();
  });
});

describe("anchored audit chain (issue 10 #11)", () => {
  const table = () => (isPostgres() ? '"AuditEvent"' : "AuditEvent");

  it("keys new rows and signs a checkpoint of the head and count", async () => {
    await append(2, randomUUID().slice(0, 8));
    const head = await db().auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(head.hashAlg).toBe("hmac-sha256");
    const report = await verifyAuditChain();
    expect(report).toMatchObject({ ok: true, anchor: { seq: head.seq, count: await db().auditEvent.count() } });
  });

  it("detects a deleted tail", async () => {
    const tag = randomUUID().slice(0, 8);
    await append(3, tag);
    const rows = await db().auditEvent.findMany({ where: { action: `test.${tag}` }, orderBy: { seq: "asc" } });
    const second = rows[1];
    if (!second) throw new Error("rows missing");
    await db().$executeRawUnsafe(`DELETE FROM ${table()} WHERE "seq" >= ${second.seq}`);
    const report = await verifyAuditChain();
    expect(report.ok).toBe(false);
    expect(report.firstBroken?.reason).toMatch(/2 row\(s\) at the tail are missing/);
    await reanchor();
  });

  it("detects a chain recomputed without the key (plain SHA-256, or HMAC under another key)", async () => {
    const tag = randomUUID().slice(0, 8);
    await append(3, tag);
    const rows = await db().auditEvent.findMany({ where: { action: `test.${tag}` }, orderBy: { seq: "asc" } });
    const [first] = rows;
    if (!first) throw new Error("rows missing");
    // The attacker edits the first row and recomputes every hash after it, as the old chain allowed.
    const recompute = async (hashOf: (prev: string, row: (typeof rows)[number]) => string, alg: string) => {
      let prev = first.prevHash;
      for (const row of rows) {
        const edited = row.seq === first.seq ? { ...row, after: '{"i":"forged"}' } : row;
        const hash = hashOf(prev, edited);
        await db().$executeRawUnsafe(
          isPostgres()
            ? `UPDATE ${table()} SET "after" = $1, "prevHash" = $2, "hash" = $3, "hashAlg" = $4 WHERE "seq" = $5`
            : `UPDATE ${table()} SET "after" = ?, "prevHash" = ?, "hash" = ?, "hashAlg" = ? WHERE "seq" = ?`,
          edited.after,
          prev,
          hash,
          alg,
          row.seq,
        );
        prev = hash;
      }
    };
    await recompute((prev, row) => auditRowHash(prev, row), "sha256");
    let report = await verifyAuditChain();
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ seq: first.seq, reason: expect.stringMatching(/unkeyed row/) });
    const wrongKey = Buffer.alloc(32, 1);
    await recompute((prev, row) => keyedHash(wrongKey, canonicalRow(prev, row)), "hmac-sha256");
    report = await verifyAuditChain();
    expect(report.firstBroken).toMatchObject({ seq: first.seq, reason: expect.stringMatching(/edited/) });
    await db().$executeRawUnsafe(`DELETE FROM ${table()} WHERE "seq" >= ${first.seq}`);
    await reanchor();
  });

  it("a deleted checkpoint is a finding, and start-up does not re-anchor a keyed chain", async () => {
    await append(1, randomUUID().slice(0, 8));
    const cp = await db().auditCheckpoint.findUniqueOrThrow({ where: { id: 1 } });
    await db().auditCheckpoint.delete({ where: { id: 1 } });
    expect((await verifyAuditChain()).firstBroken?.reason).toMatch(/checkpoint is missing/);
    await ensureAuditAnchor();
    expect(await db().auditCheckpoint.count()).toBe(0);
    await db().auditCheckpoint.create({ data: cp });
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("refuses a checkpoint signed by a key swapped into the database", async () => {
    await append(1, randomUUID().slice(0, 8));
    const cp = await db().auditCheckpoint.findUniqueOrThrow({ where: { id: 1 } });
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    const forged = await new CompactSign(
      new TextEncoder().encode(JSON.stringify({ seq: cp.seq, count: cp.count + 5, head: cp.headHash, at: cp.at })),
    )
      .setProtectedHeader({ alg: "ES256", kid: cp.kid, typ: "portcullis-audit-checkpoint+jwt" })
      .sign(privateKey);
    const original = await db().signingKey.findUniqueOrThrow({ where: { kid: cp.kid } });
    await db().signingKey.update({
      where: { kid: cp.kid },
      data: { publicJwk: JSON.stringify({ ...(await exportJWK(publicKey)), kid: cp.kid }) },
    });
    await db().auditCheckpoint.update({ where: { id: 1 }, data: { jws: forged } });
    const report = await verifyAuditChain();
    expect(report.ok).toBe(false);
    expect(report.firstBroken?.reason).toMatch(/not trustworthy/);
    await db().signingKey.update({ where: { kid: cp.kid }, data: { publicJwk: original.publicJwk } });
    await db().auditCheckpoint.update({ where: { id: 1 }, data: { jws: cp.jws } });
    expect((await verifyAuditChain()).ok).toBe(true);
  });
});
