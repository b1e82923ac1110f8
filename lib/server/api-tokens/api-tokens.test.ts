import { createHash, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GET as listTokensRoute } from "@/app/api/v1/api-tokens/route";
import { GET as enforcerConfig } from "@/app/api/v1/enforcer/config/route";
import { POST as heartbeat } from "@/app/api/v1/enforcer/heartbeat/route";
import { GET as listResources, POST as postResource } from "@/app/api/v1/resources/route";
import { POST as telemetry } from "@/app/api/v1/telemetry/route";
import { CreateApiTokenInput } from "@/lib/schemas/api-tokens";
import { changeAdminRole, setAdminStatus } from "../admins";
import { verifyAuditChain } from "../audit";
import { db } from "../db";
import { createCredential } from "../enforcers/credentials";
import { createTestResource } from "../enforcers/test-fixtures";
import { bearerRequest, createTestAdmin, createTestToken, routeParams } from "./test-tokens";
import { createApiToken, listApiTokens, revokeApiToken } from "./tokens";

/**
 * Personal admin API tokens (issue 14), through the real route handlers: a Request with
 * `Authorization: Bearer pcl_api_…` in, a Response out. No session exists in these tests.
 */
const ctx = { requestId: "tok-test", ip: "127.0.0.1" };
const get = (token: string, ip?: string | null) =>
  listResources(bearerRequest(token, "/api/v1/resources", { ip }), routeParams());
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

async function createResourceWith(token: string, headers: Record<string, string> = {}): Promise<Response> {
  const { idpProfileId } = await createTestResource();
  const tag = randomUUID().slice(0, 8);
  const body = { name: `tok-${tag}`, uri: `https://tok-${tag}.example.test/mcp`, idpProfileId, audiences: ["api://x"] };
  return postResource(bearerRequest(token, "/api/v1/resources", { method: "POST", body, headers }), routeParams());
}

describe("API tokens: issuing and storage", () => {
  it("shows the token once and stores only the SHA-256 of its secret; default expiry 90 days", async () => {
    const owner = await createTestAdmin("admin");
    const before = Date.now();
    const { token, apiToken } = await createApiToken(
      owner,
      CreateApiTokenInput.parse({ name: "ci", role: "admin" }),
      ctx,
    );
    const m = /^pcl_api_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
    expect(m).not.toBeNull();
    const row = await db().apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(row.prefix).toBe(m?.[1]);
    expect(row.secretHash).toBe(
      createHash("sha256")
        .update(m?.[2] ?? "")
        .digest("hex"),
    );
    expect(JSON.stringify(row)).not.toContain(m?.[2]);
    const days = (row.expiresAt.getTime() - before) / 86_400_000;
    expect(days).toBeGreaterThan(89.99);
    expect(days).toBeLessThan(90.01);
    const audit = await db().auditEvent.findFirstOrThrow({
      where: { targetId: apiToken.id, action: "api_token.created" },
    });
    expect(audit.after).not.toContain(m?.[2]);
    expect((await listApiTokens(owner)).map((t) => t.displayPrefix)).toEqual([`pcl_api_${m?.[1]}_…`]);
  });

  it("expiry is at most one year", () => {
    expect(CreateApiTokenInput.safeParse({ name: "x", role: "viewer", expiresInDays: 365 }).success).toBe(true);
    const r = CreateApiTokenInput.safeParse({ name: "x", role: "viewer", expiresInDays: 366 });
    expect(r.error?.issues[0]?.path).toEqual(["expiresInDays"]);
  });

  it("role ceiling: no role above the creator's; permissions only from the chosen role; never tokens.manage", async () => {
    const admin = await createTestAdmin("admin");
    await expect(createTestToken(admin, { role: "owner" })).rejects.toMatchObject({
      code: "forbidden",
      fieldErrors: { role: [expect.any(String)] },
    });
    await expect(createTestToken(admin, { role: "viewer", permissions: ["resources.write"] })).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { permissions: [expect.stringContaining("resources.write")] },
    });
    await expect(createTestToken(admin, { permissions: ["tokens.manage"] })).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(createTestToken(admin, { allowedCidrs: ["10.0.0.0/33"] })).rejects.toMatchObject({
      fieldErrors: { allowedCidrs: [expect.stringContaining("10.0.0.0/33")] },
    });
    expect(await db().apiToken.count({ where: { adminId: admin.id } })).toBe(0);
  });
});

describe("API tokens: authentication on /api/v1", () => {
  it("works on an admin route, records last use time and address, and needs no same-origin check", async () => {
    const owner = await createTestAdmin("admin");
    const { token, id } = await createTestToken(owner);
    const res = await get(token, "192.0.2.7");
    expect(res.status).toBe(200);
    const row = await db().apiToken.findUniqueOrThrow({ where: { id } });
    expect(row.lastUsedIp).toBe("192.0.2.7");
    expect(row.lastUsedAt).not.toBeNull();
    // A read is a use too: the audit trail names the token and its owner (once a minute, at once from a new address).
    const uses = () =>
      db().auditEvent.findMany({ where: { action: "api_token.used", targetId: id }, orderBy: { seq: "asc" } });
    const first = await uses();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ actorId: owner.id, apiTokenId: id, ip: "192.0.2.7" });
    expect(first[0]?.after).toContain('"path":"/api/v1/resources"');
    expect((await get(token, "192.0.2.7")).status).toBe(200);
    expect(await uses()).toHaveLength(1);
    expect((await get(token, "198.51.100.9")).status).toBe(200);
    expect((await uses()).map((u) => u.ip)).toEqual(["192.0.2.7", "198.51.100.9"]);
    expect((await verifyAuditChain()).ok).toBe(true);
    // A cookie-authenticated write from another origin is refused; a bearer one carries no ambient credential.
    expect((await createResourceWith(token, { origin: "https://evil.example" })).status).toBe(201);
  });

  it("the same permission checks: a narrowed token and a viewer token cannot write", async () => {
    const owner = await createTestAdmin("owner");
    const readOnly = await createTestToken(owner, { role: "admin", permissions: ["resources.read"] });
    expect((await get(readOnly.token)).status).toBe(200);
    const denied = await createResourceWith(readOnly.token);
    expect(denied.status).toBe(403);
    expect(await errorCode(denied)).toBe("forbidden");
    const viewer = await createTestToken(owner, { role: "viewer" });
    expect((await createResourceWith(viewer.token)).status).toBe(403);
    // Tokens never manage tokens.
    const full = await createTestToken(owner);
    expect((await listTokensRoute(bearerRequest(full.token, "/api/v1/api-tokens"), routeParams())).status).toBe(403);
  });

  it("refuses malformed, unknown, revoked and expired tokens with 401", async () => {
    const owner = await createTestAdmin("admin");
    const { token, id } = await createTestToken(owner);
    const forged = `${token.slice(0, -4)}AAAA`;
    for (const bad of ["", "pcl_api_nothex_x", forged]) expect((await get(bad)).status).toBe(401);
    await db().apiToken.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await get(token)).status).toBe(401);
    const other = await createTestToken(owner);
    await revokeApiToken(owner, { tokenId: other.id }, ctx);
    const res = await get(other.token);
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("unauthorized");
  });

  it("allowed source CIDRs: only from inside them; an unknown address is refused", async () => {
    const owner = await createTestAdmin("admin");
    const { token } = await createTestToken(owner, { allowedCidrs: ["10.0.0.0/8", "2001:db8::/32"] });
    expect((await get(token, "10.1.2.3")).status).toBe(200);
    expect((await get(token, "::ffff:10.9.9.9")).status).toBe(200);
    expect((await get(token, "2001:db8:1::5")).status).toBe(200);
    expect((await get(token, "11.0.0.1")).status).toBe(403);
    expect((await get(token, "2001:db9::1")).status).toBe(403);
    expect((await get(token, null)).status).toBe(403);
  });

  it("disabling the owner revokes their tokens (enabling again does not revive them); demotion narrows them", async () => {
    const boss = await createTestAdmin("owner");
    const owner = await createTestAdmin("admin");
    const { token, id } = await createTestToken(owner);
    expect((await get(token)).status).toBe(200);
    await setAdminStatus(boss, { adminId: owner.id, status: "disabled" }, ctx);
    expect((await get(token)).status).toBe(401);
    expect((await db().apiToken.findUniqueOrThrow({ where: { id } })).revokedAt).not.toBeNull();
    await setAdminStatus(boss, { adminId: owner.id, status: "active" }, ctx);
    expect((await get(token)).status).toBe(401);

    const second = await createTestToken(owner);
    expect((await createResourceWith(second.token)).status).toBe(201);
    await changeAdminRole(boss, { adminId: owner.id, role: "viewer" }, ctx);
    expect((await get(second.token)).status).toBe(200);
    expect((await createResourceWith(second.token)).status).toBe(403);
  });

  it("every change made with a token is attributed to the token and its owner in the audit trail", async () => {
    const owner = await createTestAdmin("admin");
    const { token, id } = await createTestToken(owner);
    const res = await createResourceWith(token);
    const { resource } = (await res.json()) as { resource: { id: string } };
    const row = await db().auditEvent.findFirstOrThrow({
      where: { targetId: resource.id, action: "resource.created" },
    });
    expect(row).toMatchObject({ actorId: owner.id, actorEmail: owner.email, apiTokenId: id });
    expect((await verifyAuditChain()).ok).toBe(true);
  });
});

describe("API tokens and enforcer credentials never cross", () => {
  it("enforcer endpoints refuse an API token; the admin API refuses an enforcer credential", async () => {
    const owner = await createTestAdmin("owner");
    const { token } = await createTestToken(owner);
    const { resourceId } = await createTestResource();
    const { secret } = await createCredential(owner, { resourceId, name: `c-${randomUUID().slice(0, 6)}` }, ctx);
    expect((await get(secret)).status).toBe(401);
    expect((await enforcerConfig(bearerRequest(token, "/api/v1/enforcer/config"))).status).toBe(401);
    const hb = bearerRequest(token, "/api/v1/enforcer/heartbeat", {
      method: "POST",
      body: { instanceId: "i-1", host: "h", moduleVersion: "1" },
    });
    expect((await heartbeat(hb)).status).toBe(401);
    const batch = bearerRequest(token, "/api/v1/telemetry", {
      method: "POST",
      body: { events: [] },
      headers: { "idempotency-key": `batch-${randomUUID()}` },
    });
    expect((await telemetry(batch)).status).toBe(401);
  });
});
