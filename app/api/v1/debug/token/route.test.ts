import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startTestIdp, type TestIdp } from "@/e2e/idp/test-idp";
import { CreateIdpProfileInput } from "@/lib/schemas/idp-profiles";
import { CreateResourceInput } from "@/lib/schemas/resources";
import type { Actor } from "@/lib/server/auth/session";
import { db } from "@/lib/server/db";
import { isPostgres } from "@/lib/server/env";
import { AppError } from "@/lib/server/errors";
import { createIdpProfile } from "@/lib/server/idp-profiles/save-idp-profile";
import { log } from "@/lib/server/log";
import { createResource } from "@/lib/server/resources/save-resource";
import { GET as getKit } from "../../resources/[id]/idp-kit/route";
import { POST as verifyKit } from "../../resources/[id]/idp-kit/verify/route";
import { POST as debugToken } from "./route";

/**
 * The route handlers as machines call them (a Request in, a Response out). Only the session lookup is
 * replaced (no browser here); the role → permission check is the real one.
 */
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/lib/server/auth/session", async () => {
  const { can } = await import("@/lib/server/auth/permissions");
  return {
    requireActor: async (permission: string) => {
      if (!session.actor) throw new AppError("unauthorized", "Sign in first.");
      if (!can(session.actor.role, permission as never)) throw new AppError("forbidden", "Not allowed.");
      return session.actor;
    },
  };
});

const admin: Actor = { id: "dbg-admin", email: "dbg@example.test", name: "d", role: "admin" };
const viewer: Actor = { ...admin, id: "dbg-viewer", role: "viewer" };
const ctx = { requestId: "req-dbg", ip: "127.0.0.1" };
let idp: TestIdp;
let resourceId = "";

beforeAll(async () => {
  idp = await startTestIdp({ shape: "oidc" });
  const profile = await createIdpProfile(
    admin,
    CreateIdpProfileInput.parse({
      name: `dbg-${randomUUID().slice(0, 8)}`,
      kind: "oidc",
      issuer: idp.issuer,
      jwksUri: idp.jwksUri,
    }),
    ctx,
  );
  const resource = await createResource(
    admin,
    CreateResourceInput.parse({
      name: `dbg-${randomUUID().slice(0, 8)}`,
      uri: `https://${randomUUID().slice(0, 8)}.example.com/mcp`,
      idpProfileId: profile.id,
      audiences: [idp.audience],
    }),
    ctx,
  );
  resourceId = resource.id;
});
afterAll(() => idp.close());
beforeEach(() => {
  session.actor = admin;
});

const post = (body: unknown, type = "application/json") =>
  debugToken(
    new Request("http://127.0.0.1/api/v1/debug/token", {
      method: "POST",
      headers: { "content-type": type },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
    { params: Promise.resolve({}) },
  );

/** Every row of every table, as text (SQLite or PostgreSQL, whichever the run uses). */
async function wholeDatabase(): Promise<string> {
  const tables = isPostgres()
    ? await db().$queryRawUnsafe<{ name: string }[]>(
        "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema()",
      )
    : await db().$queryRawUnsafe<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table'");
  let all = "";
  for (const { name } of tables) {
    const table = `"${name.replace(/"/g, '""')}"`;
    // PostgreSQL: each row as JSON text, so no column type needs a Prisma mapping.
    const rows = await db().$queryRawUnsafe<unknown[]>(
      isPostgres() ? `SELECT row_to_json(t)::text AS j FROM ${table} t` : `SELECT * FROM ${table}`,
    );
    all += JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? String(v) : v));
  }
  return all;
}

describe("POST /api/v1/debug/token", () => {
  it("runs the steps, answers the enforcer's verdict, and never logs, stores or returns the token", async () => {
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools"] });
    const signature = token.split(".")[2] ?? "";
    const calls: unknown[] = [];
    const spies = [
      ...(["trace", "debug", "info", "warn", "error", "fatal"] as const).map((m) =>
        vi.spyOn(log, m).mockImplementation((...args: unknown[]) => void calls.push(args)),
      ),
      ...(["log", "info", "warn", "error", "debug"] as const).map((m) =>
        vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void calls.push(args)),
      ),
    ];
    try {
      const res = await post({
        resourceId,
        version: "draft",
        token: `Bearer ${token}`,
        method: "tools/call",
        tool: "x",
      });
      expect(res.status).toBe(200);
      const text = await res.text();
      const body = JSON.parse(text);
      expect(body.steps.map((s: { id: string }) => s.id)).toEqual([
        "structure",
        "alg",
        "typ",
        "key",
        "signature",
        "issuer",
        "id_token",
        "audience",
        "time",
        "subject",
        "scopes",
        "request",
      ]);
      expect(body.verdict).toMatchObject({ allowed: false, code: "tool_not_allowed" });
      expect(body.version).toBe("draft");
      expect(text).not.toContain(token);
      expect(text).not.toContain(signature);
      expect(JSON.stringify(calls)).not.toContain(signature);
      const dump = await wholeDatabase();
      // The scan does read the rows (the resource created above is in it), and the token is not.
      expect(dump).toContain(resourceId);
      expect(dump).not.toContain(signature);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });

  it.each([
    ["no token", { resourceId: "x" }, 422, "invalid_input"],
    ["an unknown resource", { resourceId: "nope", version: "draft", token: "a.b.c" }, 404, "not_found"],
    ["nothing published yet", { resourceId: "RID", version: "published", token: "a.b.c" }, 404, "not_found"],
    ["a version that does not exist", { resourceId: "RID", version: 99, token: "a.b.c" }, 404, "not_found"],
    ["a bad method name", { resourceId: "RID", token: "a.b.c", method: "tools call" }, 422, "invalid_input"],
    ["a token over 64 KiB", { resourceId: "RID", token: "a".repeat(70_000) }, 422, "invalid_input"],
    ["a body over 80 KiB", { resourceId: "RID", token: "a".repeat(90_000) }, 413, "payload_too_large"],
  ])("refuses %s with %s", async (_name, body, status, code) => {
    const res = await post(JSON.parse(JSON.stringify(body).replace("RID", resourceId)));
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe(code);
  });

  it("refuses an anonymous caller", async () => {
    session.actor = null;
    expect((await post({ resourceId, token: "a.b.c" })).status).toBe(401);
  });

  it("a malformed token is a 200 with the failing structure step, not an error", async () => {
    const res = await post({ resourceId, version: "draft", token: "not-a-jwt" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.steps[0]).toMatchObject({ id: "structure", status: "fail", code: "token_malformed" });
  });
});

describe("GET /api/v1/resources/{id}/idp-kit", () => {
  const get = (id: string, format?: string) =>
    getKit(new Request(`http://127.0.0.1/api/v1/resources/${id}/idp-kit${format ? `?format=${format}` : ""}`), {
      params: Promise.resolve({ id }),
    });

  it.each([
    ["markdown", "text/markdown", ".md", "# Generic OIDC provider setup"],
    ["html", "text/html", ".html", "@media print"],
    ["json", "application/json", ".json", '"format": "portcullis.idp-kit/v1"'],
    ["terraform", "text/plain", ".tf", 'variable "issuer"'],
  ])("a viewer downloads %s", async (format, type, ext, marker) => {
    session.actor = viewer;
    const res = await get(resourceId, format);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain(type);
    expect(res.headers.get("content-disposition")).toMatch(
      new RegExp(`attachment; filename=".+-oidc-idp-kit\\${ext}"`),
    );
    expect(await res.text()).toContain(marker);
  });

  it("refuses an unknown format (422) and an unknown resource (404)", async () => {
    const bad = await get(resourceId, "pdf");
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.code).toBe("invalid_input");
    expect((await get("nope", "json")).status).toBe(404);
  });

  it("verification runs live against the IdP and checks a sample token against the kit", async () => {
    session.actor = viewer;
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools"], audience: "api://someone-else" });
    const res = await verifyKit(
      new Request(`http://127.0.0.1/api/v1/resources/${resourceId}/idp-kit/verify`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ sampleToken: token }),
      }),
      { params: Promise.resolve({ id: resourceId }) },
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    const pkce = body.checks.find((c: { id: string }) => c.id === "pkce_s256");
    expect(pkce.status).toBe("pass");
    const aud = body.sample.find((s: { step: string }) => s.step === "Audience (aud)");
    expect(aud).toMatchObject({ status: "fail", kitStep: "oidc.resource" });
    expect(JSON.stringify(body)).not.toContain(token.split(".")[2]);
  });
});
