import { afterAll, describe, expect, it, vi } from "vitest";
import { bearerRequest, createTestAdmin, createTestToken, routeParams } from "@/lib/server/api-tokens/test-tokens";
import { db } from "@/lib/server/db";
import { DELETE, GET as getOne, PATCH } from "./[id]/route";
import { POST as testRoute } from "./[id]/test/route";
import { GET, POST } from "./route";

/**
 * /api/v1/audit-sinks through the real route handlers with real API tokens (issue 14): role checks,
 * bad input as 422 with the field's path and nothing saved, every change audited, secrets never in an
 * answer but the create's signing secret. Runs with ALLOW_PRIVATE_NETWORK_FETCH=false (the SSRF rules).
 */
const previous = vi.hoisted(() => {
  const before = process.env.ALLOW_PRIVATE_NETWORK_FETCH;
  process.env.ALLOW_PRIVATE_NETWORK_FETCH = "false";
  return before;
});
afterAll(() => {
  process.env.ALLOW_PRIVATE_NETWORK_FETCH = previous;
});

const tag = () => Math.random().toString(36).slice(2, 8);
async function tokenOf(role: "owner" | "admin" | "viewer") {
  return (await createTestToken(await createTestAdmin(role))).token;
}
const post = (token: string, body: unknown) =>
  POST(bearerRequest(token, "/api/v1/audit-sinks", { method: "POST", body }), routeParams());
type ErrorBody = { error: { code: string; fields?: Record<string, string[]> } };

describe("POST /api/v1/audit-sinks: bad input", () => {
  const hook = { kind: "webhook", name: "ok", url: "https://siem.example.com/in" };
  const sys = { kind: "syslog", name: "ok", host: "siem.example.com", port: 6514 };
  const hec = { kind: "splunk_hec", name: "ok", url: "https://splunk.example.com:8088", token: "abc-123" };
  const cases: [string, Record<string, unknown>, number, string, string][] = [
    ["unknown kind", { ...hook, kind: "kafka" }, 422, "invalid_input", "kind"],
    ["empty name", { ...hook, name: " " }, 422, "invalid_input", "name"],
    ["name too long", { ...hook, name: "x".repeat(101) }, 422, "invalid_input", "name"],
    ["webhook without url", { kind: "webhook", name: "x" }, 422, "invalid_input", "url"],
    ["webhook over plain http", { ...hook, url: "http://siem.example.com/in" }, 422, "invalid_input", "url"],
    ["webhook to cloud metadata", { ...hook, url: "https://169.254.169.254/latest" }, 422, "invalid_input", "url"],
    ["unknown key (a typo is not ignored)", { ...hook, includeDenails: true }, 422, "invalid_input", "includeDenails"],
    ["syslog port 0", { ...sys, port: 0 }, 422, "invalid_input", "port"],
    ["syslog port not a number", { ...sys, port: "syslog" }, 422, "invalid_input", "port"],
    ["syslog host with scheme", { ...sys, host: "tcp://siem.example.com" }, 422, "invalid_input", "host"],
    ["syslog plain TCP off loopback", { ...sys, tls: false }, 422, "invalid_input", "tls"],
    ["syslog to a private address", { ...sys, host: "10.1.2.3" }, 422, "invalid_input", "host"],
    ["syslog CA not PEM", { ...sys, caCert: "hello" }, 422, "invalid_input", "caCert"],
    ["HEC without token", { ...hec, token: undefined }, 422, "invalid_input", "token"],
    ["HEC token with spaces", { ...hec, token: "a b" }, 422, "invalid_input", "token"],
    ["HEC bad index", { ...hec, index: "main;drop" }, 422, "invalid_input", "index"],
    ["includeDenials not boolean", { ...hook, includeDenials: "yes" }, 422, "invalid_input", "includeDenials"],
  ];
  // Changes only: the token's use itself is audited (api_token.used) and is not a saved change.
  const changes = () => db().auditEvent.count({ where: { action: { not: "api_token.used" } } });
  it.each(cases)("%s: %j → %i %s on %s, nothing saved", async (_n, body, status, code, field) => {
    const token = await tokenOf("owner");
    const [sinks, audits] = [await db().auditSink.count(), await changes()];
    const res = await post(token, { ...body, name: body.name === "ok" ? `bad-${tag()}` : body.name });
    const json = (await res.json()) as ErrorBody;
    expect([res.status, json.error.code]).toEqual([status, code]);
    // A field's own path, or (an unknown key) the form-level entry naming it.
    const fields = json.error.fields ?? {};
    expect(field in fields || (fields._ ?? []).some((m) => m.includes(field)), JSON.stringify(fields)).toBe(true);
    expect([await db().auditSink.count(), await changes()]).toEqual([sinks, audits]);
  });
});

describe("/api/v1/audit-sinks: roles, audit, secrets", () => {
  it("viewers read, admins change; every change audited; secrets never answered", async () => {
    const viewer = await tokenOf("viewer");
    const admin = await tokenOf("admin");
    const name = `hec-${tag()}`;
    const hecToken = `tok-${tag()}-secret`;
    const body = { kind: "splunk_hec", name, url: "https://93.184.215.14:8088/x?k=1", token: hecToken };
    expect((await post(viewer, body)).status).toBe(403);
    const created = await post(admin, body);
    expect(created.status).toBe(201);
    const text = await created.text();
    expect(text).not.toContain(hecToken);
    const { sink } = JSON.parse(text) as { sink: { id: string; target: string; status: { pending: number } } };
    expect(sink.target).toBe("https://93.184.215.14:8088");
    const params = routeParams({ id: sink.id });

    const list = await (await GET(bearerRequest(viewer, "/api/v1/audit-sinks"), routeParams())).text();
    expect(list).toContain(name);
    expect(list).not.toContain(hecToken);
    expect(list).not.toContain("k=1");
    expect((await getOne(bearerRequest(viewer, `/api/v1/audit-sinks/${sink.id}`), params)).status).toBe(200);

    const patch = (token: string, b: unknown) =>
      PATCH(bearerRequest(token, `/api/v1/audit-sinks/${sink.id}`, { method: "PATCH", body: b }), params);
    expect((await patch(viewer, { enabled: false })).status).toBe(403);
    const wrongKind = await patch(admin, { host: "siem.example.com" });
    expect(wrongKind.status).toBe(422);
    expect(((await wrongKind.json()) as ErrorBody).error.fields).toHaveProperty("host");
    expect((await patch(admin, { enabled: false, includeDenials: true })).status).toBe(200);
    const paused = (await (await getOne(bearerRequest(admin, "/x"), params)).json()) as { sink: { enabled: boolean } };
    expect(paused.sink.enabled).toBe(false);

    const test = (token: string) => testRoute(bearerRequest(token, "/x", { method: "POST" }), params);
    expect((await test(viewer)).status).toBe(403);
    // No route to the internet here: a clear failure within the test's 5 s deadline, not a 500.
    const tried = (await (await test(admin)).json()) as { result: { ok: boolean; error: string } };
    expect(tried.result.ok).toBe(false);

    const del = (token: string) => DELETE(bearerRequest(token, "/x", { method: "DELETE" }), params);
    expect((await del(viewer)).status).toBe(403);
    expect((await del(admin)).status).toBe(204);
    expect((await del(admin)).status).toBe(404);
    expect((await patch(admin, { enabled: true })).status).toBe(404);

    const actions = await db().auditEvent.findMany({ where: { targetId: sink.id }, orderBy: { seq: "asc" } });
    expect(actions.map((a) => a.action)).toEqual([
      "audit_sink.create",
      "audit_sink.update",
      "audit_sink.test",
      "audit_sink.delete",
    ]);
    expect(actions.every((a) => a.apiTokenId)).toBe(true);
    expect(JSON.stringify(actions)).not.toContain(hecToken);
  });
});
