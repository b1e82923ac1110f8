import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CreateIdpProfileInput } from "@/lib/schemas/idp-profiles";
import type { Actor } from "../auth/session";
import { db } from "../db";
import { AppError, toAppError } from "../errors";
import { createResource } from "../resources/save-resource";
import { getIdpProfile } from "./get-idp-profile";
import { createIdpProfile, deleteIdpProfile, updateIdpProfile } from "./save-idp-profile";

const actor: Actor = { id: "test-admin", email: "idp-tester@example.test", name: "t", role: "owner" };
const ctx = { requestId: "req-idp", ip: "127.0.0.1" };
const uid = () => randomUUID().slice(0, 8);
const TENANT = "c0ffee00-0000-4000-8000-00000000c0de";

/** The action/route boundary: schema first, then the data function. Returns the error code and fields. */
async function submit(raw: unknown) {
  try {
    return { ok: true as const, data: await createIdpProfile(actor, CreateIdpProfileInput.parse(raw), ctx) };
  } catch (err) {
    const e = toAppError(err);
    return { ok: false as const, code: e.code, fields: e.fieldErrors ?? {} };
  }
}
const audits = (targetId: string) => db().auditEvent.findMany({ where: { targetId }, orderBy: { seq: "asc" } });

describe("IdP profiles: create, update, delete", () => {
  it("creates an Entra profile with derived values and writes idp_profile.created", async () => {
    const res = await submit({
      name: `entra-${uid()}`,
      kind: "entra",
      tenantId: TENANT.toUpperCase(),
      tokenVersion: "both",
    });
    if (!res.ok) throw new Error(JSON.stringify(res));
    expect(res.data.issuers).toEqual([
      `https://login.microsoftonline.com/${TENANT}/v2.0`,
      `https://sts.windows.net/${TENANT}/`,
    ]);
    expect(res.data.algorithms).toEqual(["RS256"]);
    expect(res.data.claimProfile.tokenVersions).toEqual(["1.0", "2.0"]);
    const rows = await audits(res.data.id);
    expect(rows.map((r) => r.action)).toEqual(["idp_profile.created"]);
    expect(JSON.parse(rows[0]?.after ?? "{}")).toMatchObject({ kind: "entra", issuers: res.data.issuers });
  });

  it("stores overrides (loopback http allowed) and the at+jwt requirement", async () => {
    const res = await submit({
      name: `auth0-${uid()}`,
      kind: "auth0",
      domain: "acme.auth0.com",
      issuers: ["http://127.0.0.1:4999/"],
      jwksUri: "http://localhost:4999/.well-known/jwks.json",
      algorithms: ["RS256", "PS256"],
      claimProfile: { requireAtJwt: true },
    });
    if (!res.ok) throw new Error(JSON.stringify(res));
    expect(res.data).toMatchObject({
      issuers: ["http://127.0.0.1:4999/"],
      discoveryUrl: "http://127.0.0.1:4999/.well-known/openid-configuration",
      jwksUri: "http://localhost:4999/.well-known/jwks.json",
      algorithms: ["RS256", "PS256"],
      requireTokenType: "at+jwt",
    });
    expect(res.data.settings.overrides.issuers).toEqual(["http://127.0.0.1:4999/"]);
  });

  const dupName = `dup-${uid()}`;
  it.each([
    [
      "non-https issuer that is not loopback",
      { kind: "oidc", issuer: "http://idp.example.com" },
      "invalid_input",
      "issuer",
    ],
    [
      "non-https issuer override",
      { kind: "auth0", domain: "a.auth0.com", issuers: ["http://evil.example/"] },
      "invalid_input",
      "issuers.0",
    ],
    ["malformed issuer URI", { kind: "oidc", issuer: "not a uri" }, "invalid_input", "issuer"],
    ["issuer with a fragment", { kind: "oidc", issuer: "https://idp.example.com/#x" }, "invalid_input", "issuer"],
    ["malformed JWKS URI", { kind: "okta", domain: "a.okta.com", jwksUri: "https//x" }, "invalid_input", "jwksUri"],
    ["unknown kind", { kind: "keycloak", issuer: "https://idp.example.com" }, "invalid_input", "kind"],
    ["Entra 'common' tenant", { kind: "entra", tenantId: "common", tokenVersion: "v2" }, "invalid_input", "tenantId"],
    [
      "Entra tenant that is neither GUID nor domain",
      { kind: "entra", tenantId: "not_a_tenant" },
      "invalid_input",
      "tenantId",
    ],
    ["Okta domain with a path", { kind: "okta", domain: "a.okta.com/oauth2" }, "invalid_input", "domain"],
    [
      "HMAC algorithm",
      { kind: "auth0", domain: "a.auth0.com", algorithms: ["HS256"] },
      "invalid_input",
      "algorithms.0",
    ],
    ["duplicate name", { kind: "auth0", domain: "b.auth0.com", name: dupName }, "conflict", "name"],
  ])("refuses %s with a field error and changes nothing", async (_label, body, code, fieldKey) => {
    const name = (body as { name?: string }).name ?? `bad-${uid()}`;
    if (name === dupName) await submit({ name: dupName, kind: "auth0", domain: "a.auth0.com" });
    const before = await db().idpProfile.count();
    const auditsBefore = await db().auditEvent.count();
    const res = await submit({ name, ...body });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.code).toBe(code);
    expect(Object.keys(res.fields)).toContain(fieldKey);
    if (code === "conflict") expect(res.fields.name).toEqual(["An IdP profile with this name already exists."]);
    expect(await db().idpProfile.count()).toBe(before);
    expect(await db().auditEvent.count()).toBe(auditsBefore);
  });

  it("updates with before/after in the audit row and clears a stale test result when endpoints change", async () => {
    const res = await submit({ name: `upd-${uid()}`, kind: "okta", domain: "a.okta.com" });
    if (!res.ok) throw new Error("create failed");
    await db().idpProfile.update({
      where: { id: res.data.id },
      data: { lastTestOk: true, lastTestAt: new Date(), lastTestResult: "{}" },
    });
    const parsed = CreateIdpProfileInput.parse({
      name: res.data.name,
      kind: "okta",
      domain: "a.okta.com",
      authServerId: "aus1",
    });
    const after = await updateIdpProfile(actor, { id: res.data.id, ...parsed }, ctx);
    expect(after.issuers).toEqual(["https://a.okta.com/oauth2/aus1"]);
    expect(after.lastTestOk).toBeNull();
    const row = (await audits(res.data.id)).at(-1);
    expect(row?.action).toBe("idp_profile.updated");
    expect(JSON.parse(row?.before ?? "{}").issuers).toEqual(["https://a.okta.com/oauth2/default"]);
    expect(JSON.parse(row?.after ?? "{}").issuers).toEqual(["https://a.okta.com/oauth2/aus1"]);
  });

  it("refuses to delete a profile a resource uses (conflict), deletes an unused one", async () => {
    const used = await submit({ name: `used-${uid()}`, kind: "auth0", domain: "used.auth0.com" });
    const unused = await submit({ name: `unused-${uid()}`, kind: "auth0", domain: "unused.auth0.com" });
    if (!used.ok || !unused.ok) throw new Error("create failed");
    const resourceName = `res-${uid()}`;
    await createResource(
      actor,
      {
        name: resourceName,
        uri: `https://${uid()}.example.com/mcp`,
        idpProfileId: used.data.id,
        audiences: ["https://api.example.com"],
        algorithms: ["RS256"],
        clockToleranceSec: 30,
        maxTokenLifetimeSec: 0,
        documentationUrl: undefined,
        allowedOrigins: [],
      },
      ctx,
    );
    const kindChange = CreateIdpProfileInput.parse({
      name: used.data.name,
      kind: "oidc",
      issuer: "https://x.example.com",
    });
    const kindErr = await updateIdpProfile(actor, { id: used.data.id, ...kindChange }, ctx).catch((e: unknown) => e);
    expect((kindErr as AppError).code).toBe("conflict");
    expect((kindErr as AppError).fieldErrors?.kind).toBeDefined();
    const err = await deleteIdpProfile(actor, { id: used.data.id }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("conflict");
    expect((err as AppError).message).toContain(resourceName);
    expect(await getIdpProfile(used.data.id)).not.toBeNull();
    await deleteIdpProfile(actor, { id: unused.data.id }, ctx);
    expect(await getIdpProfile(unused.data.id)).toBeNull();
    expect((await audits(unused.data.id)).map((r) => r.action)).toEqual(["idp_profile.created", "idp_profile.deleted"]);
  });
});
