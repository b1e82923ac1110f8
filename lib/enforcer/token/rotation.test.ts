/**
 * The enforcer against the shared test IdP (real oidc-provider on 127.0.0.1): signing-key rotation
 * under load with zero failed valid requests, and IdP outages served from cached keys until the
 * grace period ends (injectable clock), for each IdP token shape.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IdpShape, startTestIdp, type TestIdp } from "../../../e2e/idp/test-idp.js";
import { createEnforcer } from "../enforcer.js";
import { EnforcerPolicy } from "../policy.js";
import { createRecordingSink } from "../telemetry/sink.js";
import type { Enforcer, EnforcerOptions } from "../types.js";

const RESOURCE = "https://mcp.example.com/mcp";

function policyFor(idp: TestIdp, kind: IdpShape): EnforcerPolicy {
  return EnforcerPolicy.parse({
    resource: { uri: RESOURCE, name: "files" },
    idp: {
      kind,
      issuers: [idp.issuer],
      jwksUri: idp.jwksUri,
      audiences: [idp.audience],
      authorizationServers: [idp.issuer],
    },
    tools: [{ name: "read_file" }],
  });
}

function request(token: string, id: number): Request {
  return new Request(RESOURCE, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      "mcp-protocol-version": "2025-11-25",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "read_file", arguments: {} } }),
  });
}

const ok = async () => new Response("ok");

describe.each<IdpShape>(["entra", "okta", "auth0", "oidc"])("against the test IdP (%s)", (shape) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ shape });
  });
  afterAll(() => idp.close());

  function enforcer(extra: Partial<EnforcerOptions> = {}): Enforcer {
    return createEnforcer({ policy: policyFor(idp, shape), ...extra });
  }

  it("accepts the IdP's tokens and refuses them for another audience", async () => {
    const e = enforcer();
    expect((await e.handle(request(await idp.mintAccessToken({ scopes: ["mcp:tools"] }), 1), ok)).status).toBe(200);
    const other = await idp.mintAccessToken({ scopes: ["mcp:tools"], audience: "api://another" });
    expect((await e.handle(request(other, 2), ok)).status).toBe(401);
  });

  it("keeps every valid request working while the IdP rotates its signing key under load", async () => {
    const sink = createRecordingSink();
    const e = enforcer({ sink });
    const jwksBefore = idp.jwksRequestCount();
    const statuses = new Map<number, number>();
    let sent = 0;
    let rotated = false;
    const worker = async () => {
      while (sent < 600) {
        const id = sent++;
        if (id === 200 && !rotated) {
          rotated = true;
          await idp.rotateKeys();
        }
        // Distinct tokens: every request is a cache miss and needs the key for its kid.
        const token = await idp.mintAccessToken({ sub: `user-${id}`, scopes: ["mcp:tools"] });
        statuses.set(id, (await e.handle(request(token, id), ok)).status);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const failures = [...statuses.values()].filter((s) => s !== 200);
    expect(rotated).toBe(true);
    expect(statuses.size).toBeGreaterThanOrEqual(600);
    expect(failures).toEqual([]);
    const refreshes = sink.ofType("jwks_refresh");
    expect(refreshes.map((r) => `${r.trigger}:${r.outcome}`)).toEqual(["initial:ok", "forced:ok"]);
    // The rotation cost one extra JWKS fetch, not one per request.
    expect(idp.jwksRequestCount() - jwksBefore).toBe(2);
    const decisions = sink.ofType("decision");
    expect(decisions.filter((d) => d.outcome === "allow")).toHaveLength(statuses.size);
  });

  it("serves from cached keys while the IdP is down, then fails closed after the grace period", async () => {
    let t = Date.now();
    const sink = createRecordingSink();
    const e = enforcer({
      sink,
      now: () => t,
      validatorOverrides: {
        jwksCacheTtlSec: 300,
        jwksGraceSec: 600,
        forcedRefreshMinIntervalSec: 10,
        fetchTimeoutMs: 1000,
      },
    });
    const mint = (sub: string) => idp.mintAccessToken({ sub, scopes: ["mcp:tools"], expiresInSec: 7200 });
    const first = await mint("a");
    expect((await e.handle(request(first, 1), ok)).status).toBe(200);

    idp.setDown(true, "reset");
    try {
      t += 400_000; // past the TTL, inside the grace period
      expect((await e.handle(request(await mint("b"), 2), ok)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 100)); // the background refresh fails meanwhile
      expect(sink.ofType("jwks_refresh").at(-1)).toMatchObject({ trigger: "scheduled", outcome: "error" });
      expect((await e.handle(request(await mint("c"), 3), ok)).status).toBe(200);

      t += 501_000; // 901 s since the last good fetch: past TTL + grace
      const late = await e.handle(request(await mint("d"), 4), ok);
      expect(late.status).toBe(503);
      expect(late.headers.get("retry-after")).toBe("10");
      expect(await late.json()).toMatchObject({ error: { data: { reason: "jwks_unavailable" } } });
      // A token verified earlier is not served from the cache either: its keys are no longer trusted.
      expect((await e.handle(request(first, 5), ok)).status).toBe(503);
    } finally {
      idp.setDown(false);
    }
    t += 11_000; // past the retry back-off
    expect((await e.handle(request(await mint("e"), 6), ok)).status).toBe(200);
  });
});
