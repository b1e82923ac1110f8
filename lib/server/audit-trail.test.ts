import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GET as exportRoute } from "@/app/api/v1/audit/export/route";
import { GET as auditRoute } from "@/app/api/v1/audit/route";
import { UpdatePolicyInput } from "@/lib/schemas/resources";
import { bearerRequest, createTestAdmin, createTestToken, routeParams } from "./api-tokens/test-tokens";
import { verifyAuditChain, writeAudit } from "./audit";
import { auditChainKey } from "./audit-anchor";
import { exportAuditTrail } from "./audit-export";
import { offlineChainKey, parseExport, verifyExportRows } from "./audit-file-verify";
import { listAuditEvents } from "./audit-query";
import { isSecretKey, REDACTED, redactForAudit } from "./audit-redact";
import { db } from "./db";
import { createTestResource, testActor, testCtx } from "./enforcers/test-fixtures";
import { getResource } from "./resources/get-resource";
import { updateResourcePolicy } from "./resources/update-draft";

/** Issue 13 #9 and #10: a readable trail (diffs, names, redaction of secrets only) and a verifiable export. */

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe("audit redaction: secrets only", () => {
  it.each([
    ["clientSecret", true],
    ["client_secret", true],
    ["passwordHash", true],
    ["password", true],
    ["accessToken", true],
    ["refresh_token", true],
    ["token", true],
    ["privateKey", true],
    ["privateKeyPem", true],
    ["api_key", true],
    ["signingSecret", true],
    ["secretHash", true],
    ["maxTokenLifetimeSec", false],
    ["tokenRefreshPerHour", false],
    ["tokenEndpoint", false],
    ["secretFrom", false],
    ["hashAlg", false],
    ["publicKey", false],
    ["kid", false],
    ["name", false],
  ])("%s is a secret: %s", (key, secret) => {
    expect(isSecretKey(key)).toBe(secret);
  });

  it("shows limits about tokens and hides secrets at any depth", () => {
    const out = redactForAudit({
      rateLimits: { maxTokenLifetimeSec: 900, tokenRefreshPerHour: 10 },
      channel: { url: "https://x", signingSecret: "whsec_abc", enabled: true },
      admin: { passwordHash: "scrypt$…", mustChangePassword: true },
    });
    expect(out).toEqual({
      rateLimits: { maxTokenLifetimeSec: 900, tokenRefreshPerHour: 10 },
      channel: { url: "https://x", signingSecret: REDACTED, enabled: true },
      admin: { passwordHash: REDACTED, mustChangePassword: true },
    });
  });
});

describe("audit trail: field-level diffs and target names", () => {
  it("stores a policy change as its changed fields, readable with the resource's name", async () => {
    const { resourceId, name } = await createTestResource();
    const draft = (await getResource(resourceId))?.draft;
    if (!draft) throw new Error("missing resource");
    await updateResourcePolicy(
      testActor,
      UpdatePolicyInput.parse({
        id: resourceId,
        scopes: draft.scopes,
        methods: draft.methods,
        rateLimits: { ...draft.rateLimits, toolInvocationsPerMin: 7, tokenRefreshPerHour: 3 },
      }),
      testCtx,
    );
    const row = await db().auditEvent.findFirstOrThrow({
      where: { targetId: resourceId, action: "resource.policy_updated" },
    });
    expect(row.before).toBeNull();
    expect(row.after).not.toContain('"audiences"'); // not the whole draft
    expect(row.after).not.toContain(REDACTED);
    const { events } = await listAuditEvents({ targetId: resourceId });
    const e = events.find((x) => x.action === "resource.policy_updated");
    expect(e?.targetName).toBe(name);
    expect(e?.changes).toEqual([
      { path: "draft.rateLimits.toolInvocationsPerMin", kind: "changed", before: 100, after: 7 },
      {
        path: "draft.rateLimits.tokenRefreshPerHour",
        kind: "changed",
        before: 10,
        after: 3,
      },
    ]);
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("still reads rows written in the old shape (the whole draft twice) as a diff, chain intact", async () => {
    const tag = randomUUID().slice(0, 8);
    await db().$transaction((tx) =>
      writeAudit(tx, {
        actor: testActor,
        action: "resource.tools_updated",
        targetType: "resource",
        targetId: `old-${tag}`,
        before: { draft: { tools: [], audiences: ["api://a"] } },
        after: { draft: { tools: [{ name: "t", enabled: true, scopes: [] }], audiences: ["api://a"] } },
      }),
    );
    const { events } = await listAuditEvents({ targetId: `old-${tag}` });
    expect(events[0]?.targetName).toBeNull();
    expect(events[0]?.changes).toEqual([
      { path: "draft.tools[t]", kind: "added", after: { name: "t", enabled: true, scopes: [] } },
    ]);
    expect((await verifyAuditChain()).ok).toBe(true);
  });
});

describe("audit export, verified offline", () => {
  async function seed(n: number) {
    const tag = randomUUID().slice(0, 8);
    for (let i = 0; i < n; i++)
      await db().$transaction((tx) =>
        writeAudit(tx, {
          actor: testActor,
          action: `export.test_${tag}`,
          targetType: "thing",
          targetId: `${tag}-${i}`,
          after: { i, note: i === 1 ? '=HYPERLINK("x");-2+3' : "plain", clientSecret: "never-exported" },
        }),
      );
    return tag;
  }

  it("JSON Lines: every row verifies; an edited row, a reordered file and a missing key are caught", async () => {
    const tag = await seed(3);
    const text = await readAll(exportAuditTrail({ action: `export.test_${tag}` }, "jsonl"));
    expect(text).not.toContain("never-exported");
    const rows = parseExport(text, "a.jsonl");
    expect(rows.map((r) => r.targetId)).toEqual([`${tag}-0`, `${tag}-1`, `${tag}-2`]);
    expect(verifyExportRows(rows)).toMatchObject({ ok: true, rows: 3, linked: 2, gaps: 0 });

    const edited = rows.map((r, i) => (i === 1 ? { ...r, after: String(r.after).replace('"i":1', '"i":7') } : r));
    expect(verifyExportRows(edited)).toMatchObject({ ok: false, firstBroken: { seq: rows[1]?.seq } });
    expect(verifyExportRows([rows[1], rows[0]].filter((r) => r !== undefined))).toMatchObject({ ok: false });
    expect(verifyExportRows(rows, null).firstBroken?.reason).toMatch(/PORTCULLIS_ENCRYPTION_KEY/);
    // The auditor's key: the derived chain key alone, never the encryption key; a wrong one fails.
    process.env.PORTCULLIS_AUDIT_CHAIN_KEY = auditChainKey()?.toString("base64");
    try {
      expect(verifyExportRows(rows, offlineChainKey()).ok).toBe(true);
      expect(verifyExportRows(rows, Buffer.alloc(32, 1)).ok).toBe(false);
    } finally {
      delete process.env.PORTCULLIS_AUDIT_CHAIN_KEY;
    }
  });

  it("a row written with an API token carries its apiTokenId, covered by the hash", async () => {
    const tag = randomUUID().slice(0, 8);
    await db().$transaction((tx) =>
      writeAudit(tx, {
        actor: testActor,
        action: `export.token_${tag}`,
        targetType: "thing",
        targetId: tag,
        ctx: { requestId: "r", ip: "127.0.0.1", apiTokenId: `tok-${tag}` },
      }),
    );
    for (const format of ["jsonl", "csv"] as const) {
      const rows = parseExport(
        await readAll(exportAuditTrail({ action: `export.token_${tag}` }, format)),
        `x.${format}`,
      );
      expect(rows.map((r) => r.apiTokenId)).toEqual([`tok-${tag}`]);
      expect(verifyExportRows(rows).ok).toBe(true);
      expect(verifyExportRows(rows.map((r) => ({ ...r, apiTokenId: "tok-other" }))).ok).toBe(false);
    }
  });

  it("CSV (formula-guarded) verifies too; a filtered export reports its gaps", async () => {
    const tag = await seed(2);
    await db().$transaction((tx) =>
      writeAudit(tx, { actor: testActor, action: "export.other", targetType: "thing", targetId: "between" }),
    );
    await seed(1);
    const csv = await readAll(exportAuditTrail({ actor: testActor.email, action: "export." }, "csv"));
    expect(csv.split("\r\n")[0]).toMatch(/^"seq","at",.*"prevHash","hash","hashAlg","changes"$/);
    expect(csv).toContain(";'-2+3"); // the spreadsheet guard is on (and undone by the verifier)
    const all = parseExport(csv, "a.csv");
    expect(verifyExportRows(all).ok).toBe(true);
    const filtered = parseExport(await readAll(exportAuditTrail({ action: `export.test_${tag}` }, "csv")), "b.csv");
    expect(verifyExportRows(filtered)).toMatchObject({ ok: true, rows: 2, linked: 1 });
  });

  it("GET /api/v1/audit filters and pages by keyset; the export route answers both formats", async () => {
    const tag = await seed(5);
    const owner = await createTestAdmin("viewer");
    const { token } = await createTestToken(owner);
    const page1 = await auditRoute(
      bearerRequest(token, `/api/v1/audit?action=export.test_${tag}&limit=2`),
      routeParams(),
    );
    expect(page1.status).toBe(200);
    const b1 = (await page1.json()) as { events: { targetId: string }[]; nextBefore: number };
    expect(b1.events.map((e) => e.targetId)).toEqual([`${tag}-4`, `${tag}-3`]);
    const page2 = await auditRoute(
      bearerRequest(token, `/api/v1/audit?action=export.test_${tag}&limit=2&before=${b1.nextBefore}`),
      routeParams(),
    );
    const b2 = (await page2.json()) as { events: { targetId: string }[] };
    expect(b2.events.map((e) => e.targetId)).toEqual([`${tag}-2`, `${tag}-1`]);
    const bad = await auditRoute(bearerRequest(token, "/api/v1/audit?limit=0&from=yesterday"), routeParams());
    expect(bad.status).toBe(422);
    const jsonl = await exportRoute(
      bearerRequest(token, `/api/v1/audit/export?format=jsonl&action=export.test_${tag}`),
      routeParams(),
    );
    expect(jsonl.headers.get("content-disposition")).toMatch(/\.jsonl"$/);
    expect(verifyExportRows(parseExport(await jsonl.text(), "x.jsonl"))).toMatchObject({ ok: true, rows: 5 });
  });
});
