import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { bearerRequest, createTestAdmin, createTestToken, routeParams } from "../api-tokens/test-tokens";
import { db } from "../db";
import type { ApiOperation } from "./registry";
import { handlerFor } from "./route-files";
import { FAMILIES } from "./routes";

/**
 * Contract test (issue 14): documented operations called through their real route handlers with an API
 * token (the enforcer routes with an enforcer credential), each answer checked against the documented
 * status and schema. Every GET is called; mutations per family as far as they work offline.
 */
const ops = FAMILIES.flatMap((f) => f.operations.map((o) => ({ ...o, family: f.tag })));
const called = new Set<string>();
const key = (o: Pick<ApiOperation, "method" | "path">) => `${o.method.toUpperCase()} ${o.path}`;
let token = "";
let enforcerSecret = "";
const ids: Record<string, string> = {};

async function call(
  method: ApiOperation["method"],
  path: string,
  opts: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown; auth?: string } = {},
): Promise<{ status: number; body: unknown }> {
  const o = ops.find((x) => x.method === method && x.path === path);
  if (!o) throw new Error(`${method.toUpperCase()} ${path} is not documented`);
  const handler = await handlerFor(o);
  if (!handler) throw new Error(`${key(o)}: no handler`);
  const url =
    path.replace(/\{(\w+)\}/g, (_m, p: string) => encodeURIComponent(opts.params?.[p] ?? "")) +
    (opts.query ? `?${new URLSearchParams(opts.query)}` : "");
  const res = await handler(
    bearerRequest(opts.auth ?? token, url, { method: method.toUpperCase(), body: opts.body }),
    routeParams(opts.params ?? {}),
  );
  const spec = o.responses[res.status];
  const text = await res.text();
  expect(spec, `${key(o)} answered ${res.status}, not a documented success: ${text.slice(0, 300)}`).toBeDefined();
  let body: unknown = text;
  if (spec?.schema) {
    body = JSON.parse(text);
    const parsed = spec.schema.safeParse(body);
    expect(parsed.error?.issues ?? [], `${key(o)} ${res.status} does not match its schema`).toEqual([]);
  } else if (spec?.contentType) {
    expect(res.headers.get("content-type") ?? "", key(o)).toMatch(/^[\w.+-]+\/[\w.+-]+/);
  }
  called.add(key(o));
  return { status: res.status, body };
}
const data = <T>(r: { body: unknown }) => r.body as T;

beforeAll(async () => {
  const owner = await createTestAdmin("owner");
  ({ token } = await createTestToken(owner));
  const tag = randomUUID().slice(0, 8);
  const profile = await call("post", "/api/v1/idp-profiles", {
    body: { name: `oa-${tag}`, kind: "entra", tenantId: "c0ffee00-0000-4000-8000-00000000c0de", tokenVersion: "v2" },
  });
  ids.profile = data<{ idpProfile: { id: string } }>(profile).idpProfile.id;
  const resource = await call("post", "/api/v1/resources", {
    body: {
      name: `oa-${tag}`,
      uri: `https://oa-${tag}.example.com/mcp`,
      idpProfileId: ids.profile,
      audiences: ["api://oa"],
    },
  });
  ids.resource = data<{ resource: { id: string } }>(resource).resource.id;
  const id = { id: ids.resource };
  await call("put", "/api/v1/resources/{id}", {
    params: id,
    body: {
      name: `oa-${tag}-2`,
      uri: `https://oa-${tag}.example.com/mcp`,
      idpProfileId: ids.profile,
      audiences: ["api://oa"],
    },
  });
  await call("post", "/api/v1/resources/{id}/publish", { params: id, body: { note: "first" } });
  await call("post", "/api/v1/resources/{id}/versions/{version}/rollback", { params: { ...id, version: "1" } });
  const cred = await call("post", "/api/v1/resources/{id}/credentials", { params: id, body: { name: `c-${tag}` } });
  const issued = data<{ credential: { id: string }; secret: string }>(cred);
  const rotated = await call("post", "/api/v1/resources/{id}/credentials/{credentialId}/rotate", {
    params: { ...id, credentialId: issued.credential.id },
    body: { overlapHours: 0 },
  });
  enforcerSecret = data<{ secret: string }>(rotated).secret;
  await call("post", "/api/v1/resources/{id}/credentials/{credentialId}/revoke", {
    params: { ...id, credentialId: issued.credential.id },
  });
  const rule = await call("post", "/api/v1/alert-rules", {
    body: { kind: "auth_failures", threshold: 10, windowMin: 5, resourceId: ids.resource },
  });
  ids.rule = data<{ rule: { id: string } }>(rule).rule.id;
  await call("patch", "/api/v1/alert-rules/{id}", { params: { id: ids.rule }, body: { threshold: 20 } });
  const channel = await call("post", "/api/v1/alert-channels", {
    body: { kind: "webhook", name: `oa-${tag}`, url: "http://127.0.0.1:9/hook" },
  });
  ids.channel = data<{ channel: { id: string } }>(channel).channel.id;
  await call("patch", "/api/v1/alert-channels/{id}", { params: { id: ids.channel }, body: { enabled: false } });
  const alert = await db().alert.create({
    data: {
      ruleId: ids.rule,
      resourceId: ids.resource,
      state: "firing",
      severity: "warning",
      value: 60,
      threshold: 20,
      summary: "oa",
      firedAt: new Date(),
    },
  });
  ids.alert = alert.id;
  const sink = await call("post", "/api/v1/audit-sinks", {
    body: { kind: "webhook", name: `oa-${tag}`, url: "http://127.0.0.1:9/sink" },
  });
  ids.sink = data<{ sink: { id: string } }>(sink).sink.id;
  const admin = await call("post", "/api/v1/admins", {
    body: { email: `oa-${tag}@example.test`, name: "OA", role: "viewer", password: "long-enough-password" },
  });
  ids.admin = data<{ admin: { id: string } }>(admin).admin.id;
  await call("patch", "/api/v1/admins/{id}", { params: { id: ids.admin }, body: { role: "admin" } });
});

describe("contract: documented operations answer what the document says", () => {
  it("every GET, with an API token (enforcer routes with an enforcer credential)", async () => {
    const id = { id: ids.resource ?? "" };
    await call("get", "/api/v1/resources");
    await call("get", "/api/v1/resources/{id}", { params: id });
    await call("get", "/api/v1/resources/{id}/versions", { params: id });
    await call("get", "/api/v1/resources/{id}/versions/{version}", { params: { ...id, version: "2" } });
    await call("get", "/api/v1/resources/{id}/versions/diff", { params: id, query: { from: "1", to: "2" } });
    await call("get", "/api/v1/resources/{id}/credentials", { params: id });
    for (const format of ["markdown", "json"])
      await call("get", "/api/v1/resources/{id}/idp-kit", { params: id, query: { format } });
    await call("get", "/api/v1/idp-profiles");
    await call("get", "/api/v1/idp-profiles/{id}", { params: { id: ids.profile ?? "" } });
    await call("get", "/api/v1/alerts");
    await call("get", "/api/v1/alerts/{id}", { params: { id: ids.alert ?? "" } });
    await call("get", "/api/v1/alerts/prometheus-rules");
    await call("get", "/api/v1/alert-rules");
    await call("get", "/api/v1/alert-rules/{id}", { params: { id: ids.rule ?? "" } });
    await call("get", "/api/v1/alert-channels");
    await call("get", "/api/v1/admins");
    await call("get", "/api/v1/events");
    await call("get", "/api/v1/events/export");
    await call("get", "/api/v1/telemetry/overview", { query: { range: "1h" } });
    await call("get", "/api/v1/config/signing-keys");
    await call("get", "/api/v1/audit", { query: { limit: "5" } });
    await call("get", "/api/v1/audit/export", { query: { format: "jsonl", targetId: ids.resource ?? "" } });
    await call("get", "/api/v1/openapi.json");
    await call("get", "/api/v1/enforcer/config", { auth: enforcerSecret });
    await call("get", "/api/v1/audit-sinks");
    await call("get", "/api/v1/audit-sinks/{id}", { params: { id: ids.sink ?? "" } });
    for (const format of ["yaml", "json"]) await call("get", "/api/v1/config/export", { query: { format } });
    // GET /api/v1/api-tokens is for sessions: the last test checks a token gets 403 there.
    const missing = ops
      .filter((o) => o.method === "get" && !called.has(key(o)) && o.path !== "/api/v1/api-tokens")
      .map((o) => `${key(o)}: add a call("get", "${o.path}", { params, query }) to this test (fixtures in beforeAll)`);
    expect(missing, missing.join("\n")).toEqual([]);
  });

  it("representative mutations of every family, then deletes", async () => {
    await call("post", "/api/v1/alerts/{id}/acknowledge", { params: { id: ids.alert ?? "" }, body: { note: "seen" } });
    await call("post", "/api/v1/alerts/{id}/resolve", { params: { id: ids.alert ?? "" } });
    await call("post", "/api/v1/alert-channels/{id}/test", { params: { id: ids.channel ?? "" } });
    await call("post", "/api/v1/debug/token", {
      body: { resourceId: ids.resource, version: "draft", token: "not-a-jwt" },
    });
    await call("post", "/api/v1/enforcer/heartbeat", {
      auth: enforcerSecret,
      body: { instanceId: "oa-1", host: "oa", moduleVersion: "1" },
    });
    const exported = await call("get", "/api/v1/config/export", { query: { format: "json" } });
    await call("post", "/api/v1/config/plan", { body: { document: JSON.parse(String(exported.body)) } });
    await call("patch", "/api/v1/audit-sinks/{id}", { params: { id: ids.sink ?? "" }, body: { enabled: false } });
    await call("post", "/api/v1/audit-sinks/{id}/test", { params: { id: ids.sink ?? "" } });
    await call("delete", "/api/v1/audit-sinks/{id}", { params: { id: ids.sink ?? "" } });
    await call("delete", "/api/v1/alert-channels/{id}", { params: { id: ids.channel ?? "" } });
    await call("delete", "/api/v1/alert-rules/{id}", { params: { id: ids.rule ?? "" } });
    const spare = await call("post", "/api/v1/idp-profiles", {
      body: {
        name: `oa-spare-${randomUUID().slice(0, 6)}`,
        kind: "entra",
        tenantId: "c0ffee00-0000-4000-8000-00000000c0de",
        tokenVersion: "v2",
      },
    });
    await call("delete", "/api/v1/idp-profiles/{id}", {
      params: { id: data<{ idpProfile: { id: string } }>(spare).idpProfile.id },
    });
    for (const family of FAMILIES) {
      const mutations = family.operations.filter((o) => o.method !== "get");
      if (mutations.length === 0) continue;
      const done = mutations.filter((o) => called.has(key(o)) || o.path.startsWith("/api/v1/api-tokens"));
      expect(
        done.length,
        `no mutation of ${family.tag} was called: add a call() of one of ${mutations.map(key).join(", ")} to this test`,
      ).toBeGreaterThan(0);
    }
  });

  it("token management is for sessions: a token gets 403 (tokens.manage is never granted)", async () => {
    const handler = await handlerFor({ method: "get", path: "/api/v1/api-tokens" });
    const res = await handler?.(bearerRequest(token, "/api/v1/api-tokens"), routeParams());
    expect(res?.status).toBe(403);
  });
});
