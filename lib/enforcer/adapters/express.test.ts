import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestIdp, type TestIdp } from "../../../e2e/idp/test-idp.js";
import { createEnforcer } from "../enforcer.js";
import { EnforcerPolicy } from "../policy.js";
import { expressEnforcer, protectedResourceMetadataRouter } from "./express.js";
import type { EnforcedRequest } from "./node-http.js";

let idp: TestIdp;
let server: Server;
let base = "";
let seen: EnforcedRequest | undefined;
const TOOLS = { tools: [{ name: "read_file" }, { name: "rm_rf" }] };
const rpc = (method: string, params?: unknown) => JSON.stringify({ jsonrpc: "2.0", id: 3, method, params });

beforeAll(async () => {
  idp = await startTestIdp({ shape: "auth0" });
  const policy = EnforcerPolicy.parse({
    resource: { uri: "https://mcp.example.test/api/mcp", name: "express" },
    idp: {
      kind: "auth0",
      issuers: [idp.issuer],
      jwksUri: idp.jwksUri,
      audiences: [idp.audience],
      authorizationServers: [idp.issuer],
    },
    tools: [{ name: "read_file" }],
  });
  const enforcer = createEnforcer({ policy });
  const app = express();
  app.use(protectedResourceMetadataRouter(enforcer));
  // A router mounted under /api: Express rewrites req.url to "/mcp" inside it.
  const api = express.Router();
  api.post("/mcp", expressEnforcer(enforcer), (req, res) => {
    seen = req as EnforcedRequest;
    const body = req.body as { method?: string; id?: number };
    if (body.method === "tools/list") res.json({ jsonrpc: "2.0", id: body.id, result: TOOLS });
    else res.json({ jsonrpc: "2.0", id: body.id, result: {} });
  });
  // express.json() first: the enforcer must reuse the parsed body rather than wait for a consumed stream.
  api.post("/parsed", express.json(), expressEnforcer(enforcer), (req, res) => res.json({ got: req.body }));
  app.use("/api", api);
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await idp.close();
});

const post = (path: string, body: string, token?: string) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "mcp-protocol-version": "2025-11-25",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body,
  });

describe("Express adapter", () => {
  it("serves the RFC 9728 document from the app root for a resource under /api/mcp", async () => {
    const res = await fetch(`${base}/.well-known/oauth-protected-resource/api/mcp`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ resource: "https://mcp.example.test/api/mcp" });
    expect((await fetch(`${base}/.well-known/other`)).status).toBe(404); // other paths pass through
  });

  it("denies without a token and allows with one, setting req.auth and req.body", async () => {
    const denied = await post("/api/mcp", rpc("ping"));
    expect(denied.status).toBe(401);
    expect(denied.headers.get("www-authenticate")).toContain("/.well-known/oauth-protected-resource/api/mcp");

    const token = await idp.mintAccessToken({ sub: "carol", scopes: ["mcp:tools"] });
    const allowed = await post("/api/mcp", rpc("tools/call", { name: "read_file" }), token);
    expect(allowed.status).toBe(200);
    expect(seen?.auth).toMatchObject({ clientId: "agent-1", scopes: ["mcp:tools"], extra: { sub: "carol" } });
    expect(seen?.body).toMatchObject({ method: "tools/call", params: { name: "read_file" } });
  });

  it("checks the URL as the client sent it, not Express's rewritten req.url", async () => {
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools"] });
    const res = await post(`/api/mcp?access_token=${token}`, rpc("ping"), token);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { data: { reason: string } } }).error.data.reason).toBe("token_in_query");
  });

  it("filters a tools/list answered with res.json and keeps Content-Length right", async () => {
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools"] });
    const res = await post("/api/mcp", rpc("tools/list"), token);
    const text = await res.text();
    expect(JSON.parse(text).result.tools).toEqual([{ name: "read_file" }]);
    expect(Number(res.headers.get("content-length"))).toBe(Buffer.byteLength(text));
  });

  it("reuses a body parsed by express.json() and still authorizes it", async () => {
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools"] });
    const ok = await post("/api/parsed", rpc("tools/call", { name: "read_file" }), token);
    expect(await ok.json()).toEqual({
      got: { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "read_file" } },
    });
    const refused = await post("/api/parsed", rpc("tools/call", { name: "rm_rf" }), token);
    expect(refused.status).toBe(403);
  });
});
