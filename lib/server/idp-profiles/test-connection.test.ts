import { randomUUID } from "node:crypto";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestIdp, type TestIdp } from "@/e2e/idp/test-idp";
import { CreateIdpProfileInput } from "@/lib/schemas/idp-profiles";
import type { Actor } from "../auth/session";
import { db } from "../db";
import { createIdpProfile } from "./save-idp-profile";
import { checkIdpConnection, testIdpConnection } from "./test-connection";

const actor: Actor = { id: "test-admin", email: "conn-tester@example.test", name: "t", role: "admin" };
const ctx = { requestId: "req-conn", ip: null };
const TENANT = "5e1f0000-0000-4000-8000-000000000abc";

async function serve(handler: RequestListener): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("Test connection against real loopback IdPs", () => {
  let entra: TestIdp;
  let auth0: TestIdp;
  beforeAll(async () => {
    [entra, auth0] = await Promise.all([
      startTestIdp({ shape: "entra", tenantId: TENANT }),
      startTestIdp({ shape: "auth0" }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([entra.close(), auth0.close()]);
  });

  it("reports issuer match, keys with sizes, scopes, grants and the token endpoint", async () => {
    const r = await checkIdpConnection({
      issuers: [entra.issuer],
      discoveryUrl: entra.discoveryUrl,
      jwksUri: entra.jwksUri,
      algorithms: ["RS256"],
    });
    expect(r.ok).toBe(true);
    expect(r.issuerCheck).toEqual({ expected: [entra.issuer], actual: entra.issuer, match: true, diagnosis: null });
    expect(r.jwks.keys).toEqual([
      expect.objectContaining({ kty: "RSA", alg: "RS256", bits: 2048, kid: expect.any(String) }),
    ]);
    expect(r.discovery.tokenEndpoint).toBe(entra.tokenEndpoint);
    expect(r.discovery.scopesSupported).toContain("mcp:tools");
    expect(r.discovery.grantTypesSupported).toContain("client_credentials");
    expect(r.warnings).toEqual([]);
  });

  it("diagnoses a wrong tenant", async () => {
    const other = "0badbad0-0000-4000-8000-000000000000";
    const r = await checkIdpConnection({
      issuers: [entra.issuer.replace(TENANT, other)],
      discoveryUrl: entra.discoveryUrl,
      jwksUri: entra.jwksUri,
      algorithms: ["RS256"],
    });
    expect(r.ok).toBe(false);
    expect(r.issuerCheck.match).toBe(false);
    expect(r.issuerCheck.diagnosis).toMatch(/^Wrong tenant: the IdP announces tenant 5e1f0000/);
    expect(r.jwks.ok).toBe(true);
  });

  it("diagnoses Auth0's missing trailing slash", async () => {
    const r = await checkIdpConnection({
      issuers: [auth0.issuer.replace(/\/$/, "")],
      discoveryUrl: auth0.discoveryUrl,
      jwksUri: auth0.jwksUri,
      algorithms: ["RS256"],
    });
    expect(r.issuerCheck.match).toBe(false);
    expect(r.issuerCheck.diagnosis).toMatch(/^Trailing slash difference/);
  });

  it("stores the result on the profile, learns a generic OIDC JWKS URI from discovery and audits idp_profile.tested", async () => {
    const input = CreateIdpProfileInput.parse({ name: `oidc-${randomUUID()}`, kind: "oidc", issuer: auth0.issuer });
    const profile = await createIdpProfile(actor, input, ctx);
    expect(profile.jwksUri).toBe("");
    const tested = await testIdpConnection(actor, { id: profile.id }, ctx);
    expect(tested.lastTestOk).toBe(true);
    expect(tested.lastTestAt).not.toBeNull();
    expect(tested.lastTestResult?.issuerCheck.match).toBe(true);
    expect(tested.jwksUri).toBe(auth0.jwksUri);
    const audit = await db().auditEvent.findFirst({ where: { targetId: profile.id, action: "idp_profile.tested" } });
    expect(JSON.parse(audit?.after ?? "{}")).toMatchObject({
      ok: true,
      issuerMatch: true,
      learnedJwksUri: auth0.jwksUri,
    });
  });
});

describe("Test connection failures", () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));
  async function idpAnswering(routes: Record<string, (res: import("node:http").ServerResponse) => void>) {
    const s = await serve((req, res) => (routes[req.url ?? ""] ?? ((r) => r.writeHead(404).end()))(res));
    servers.push(s.server);
    return s.url;
  }
  const target = (base: string, jwks = `${base}/jwks`) => ({
    issuers: [base],
    discoveryUrl: `${base}/disc`,
    jwksUri: jwks,
    algorithms: ["RS256"],
  });

  it.each([
    ["HTTP error", (r: import("node:http").ServerResponse) => r.writeHead(500).end("boom"), /^HTTP 500/],
    [
      "not JSON",
      (r: import("node:http").ServerResponse) => r.writeHead(200, { "content-type": "text/html" }).end("<html>"),
      /not JSON \(text\/html\)/,
    ],
    [
      "too large",
      (r: import("node:http").ServerResponse) => r.writeHead(200).end(`"${"x".repeat(1024 * 1024 + 10)}"`),
      /larger than 1048576 bytes/,
    ],
    [
      "redirect to plain http elsewhere",
      (r: import("node:http").ServerResponse) => r.writeHead(302, { location: "http://example.com/x" }).end(),
      /Redirected to an unacceptable URL: Use https/,
    ],
  ])("discovery %s → clear error", async (_label, handler, message) => {
    const base = await idpAnswering({ "/disc": handler, "/jwks": (r) => r.writeHead(200).end('{"keys":[]}') });
    const r = await checkIdpConnection(target(base));
    expect(r.ok).toBe(false);
    expect(r.discovery.ok).toBe(false);
    expect(r.discovery.error).toMatch(message);
    expect(r.issuerCheck.diagnosis).toBe("Could not read the issuer: fix the discovery URL first.");
  });

  it("empty JWKS and a JWKS without keys are errors", async () => {
    let base = "";
    base = await idpAnswering({
      "/disc": (r) => r.writeHead(200).end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` })),
      "/jwks": (r) => r.writeHead(200).end('{"keys":[]}'),
      "/nokeys": (r) => r.writeHead(200).end("{}"),
    });
    const empty = await checkIdpConnection(target(base));
    expect(empty.issuerCheck.match).toBe(true);
    expect(empty.jwks.error).toBe("The JWKS is empty: no key could verify a token.");
    expect(empty.ok).toBe(false);
    const noKeys = await checkIdpConnection(target(base, `${base}/nokeys`));
    expect(noKeys.jwks.error).toMatch(/no "keys" array/);
    expect(noKeys.warnings[0]).toMatch(/announces a different JWKS URI/);
  });

  it("unreachable host and a hanging IdP (timeout) are named", async () => {
    const dead = await serve(() => {});
    const deadUrl = dead.url;
    await new Promise((r) => dead.server.close(r));
    const refused = await checkIdpConnection(target(deadUrl));
    expect(refused.discovery.error).toMatch(/Cannot reach .*connection refused/);
    const hang = await serve(() => {});
    servers.push(hang.server);
    const slow = await checkIdpConnection(target(hang.url), { timeoutMs: 300 });
    expect(slow.discovery.error).toMatch(/No answer within 0.3 s/);
    hang.server.closeAllConnections();
  });

  it("refuses a non-https, non-loopback URL without fetching it", async () => {
    const r = await checkIdpConnection({
      issuers: ["http://idp.example.com"],
      discoveryUrl: "http://idp.example.com/d",
      jwksUri: "http://idp.example.com/k",
      algorithms: ["RS256"],
    });
    expect(r.discovery.error).toMatch(/^Bad URL: Use https/);
    expect(r.jwks.error).toMatch(/^Bad URL: Use https/);
  });
});
