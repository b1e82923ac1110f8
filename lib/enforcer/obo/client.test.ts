import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestIdp, type TestIdp } from "../../../e2e/idp/test-idp.js";
import { createRecordingSink } from "../telemetry/sink.js";
import { createOboClient, OboConsentRequiredError, type OboDownstreamConfig, OboError } from "./client.js";

const credentials = { clientId: "portcullis-obo", clientSecret: "portcullis-obo-secret" };

/** The real fetch, counting calls to the token endpoint (so cache and single-flight are observable). */
function countingFetch() {
  const counter = {
    calls: 0,
    fetch: ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      counter.calls++;
      return fetch(input, init);
    }) as typeof fetch,
  };
  return counter;
}

describe("OBO against the Entra-shaped test IdP (jwt-bearer on_behalf_of)", () => {
  let idp: TestIdp;
  let graph: OboDownstreamConfig;

  beforeAll(async () => {
    idp = await startTestIdp({ shape: "entra" });
    graph = {
      name: "graph",
      tokenEndpoint: idp.tokenEndpoint,
      grant: "entra_obo",
      scope: "api://downstream-api/mcp:tools",
    };
  });
  afterAll(() => idp.close());

  it("exchanges a user token for a downstream token that carries the same user", async () => {
    const sink = createRecordingSink();
    const obo = createOboClient({ downstreams: [graph], credentials, sink });
    const userToken = await idp.mintAccessToken({ sub: "alice", scopes: ["mcp:tools"] });
    const result = await obo.exchange(userToken, "graph");
    const downstream = decodeJwt(result.accessToken);
    expect(downstream.aud).toBe("api://downstream-api");
    expect(downstream.sub).toBe(decodeJwt(userToken).sub);
    expect(result.tokenType.toLowerCase()).toBe("bearer");
    expect(result.expiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(sink.ofType("obo_exchange")).toMatchObject([{ downstream: "graph", outcome: "ok", cacheHit: false }]);
    expect(sink.ofType("obo_exchange")[0]?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("caches per (user token, scope) until shortly before expiry, bounded, and single-flights", async () => {
    const counter = countingFetch();
    let t = Date.now();
    const sink = createRecordingSink();
    const obo = createOboClient({
      downstreams: [graph],
      credentials,
      sink,
      fetch: counter.fetch,
      now: () => t,
      cacheSize: 2,
    });
    const alice = await idp.mintAccessToken({ sub: "alice" });
    const [a1, a2, a3] = await Promise.all([
      obo.exchange(alice, "graph"),
      obo.exchange(alice, "graph"),
      obo.exchange(alice, "graph"),
    ]);
    expect(counter.calls).toBe(1); // single-flight
    expect(a2).toBe(a1);
    expect(a3).toBe(a1);
    expect(await obo.exchange(alice, "graph")).toBe(a1);
    expect(counter.calls).toBe(1);
    expect(sink.ofType("obo_exchange").at(-1)).toMatchObject({ outcome: "ok", cacheHit: true });

    const bob = await idp.mintAccessToken({ sub: "bob" });
    expect(decodeJwt((await obo.exchange(bob, "graph")).accessToken).sub).toBe(decodeJwt(bob).sub);
    expect(counter.calls).toBe(2);
    await obo.exchange(await idp.mintAccessToken({ sub: "carol" }), "graph");
    expect(obo.cacheSize).toBe(2); // bounded: alice evicted

    // 60 s before expiry (the default skew) the next call exchanges again.
    t = (a1.expiresAt - 59) * 1000;
    await obo.exchange(bob, "graph");
    expect(counter.calls).toBe(4);
  });

  it("turns interaction_required into OboConsentRequiredError", async () => {
    const sink = createRecordingSink();
    const obo = createOboClient({ downstreams: [graph], credentials, sink });
    const token = await idp.mintAccessToken({ sub: "needs-consent" });
    const err = await obo.exchange(token, "graph").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OboConsentRequiredError);
    expect((err as OboConsentRequiredError).oauthError).toBe("interaction_required");
    expect((err as Error).message).toContain("AADSTS65001");
    expect(sink.ofType("obo_exchange")).toMatchObject([
      { outcome: "error", cacheHit: false, error: "interaction_required" },
    ]);
  });

  it("maps refusals to typed errors that never carry the token or the secret", async () => {
    const userToken = await idp.mintAccessToken({ sub: "alice" });
    const wrongSecret = createOboClient({
      downstreams: [graph],
      credentials: { ...credentials, clientSecret: "s3cret-wrong" },
    });
    const e1 = (await wrongSecret.exchange(userToken, "graph").catch((e: unknown) => e)) as OboError;
    expect(e1).toBeInstanceOf(OboError);
    expect([e1.code, e1.oauthError, e1.status]).toEqual(["exchange_rejected", "invalid_client", 401]);
    expect(e1.message).not.toContain("s3cret-wrong");
    expect(e1.message).not.toContain(userToken);

    const obo = createOboClient({ downstreams: [graph], credentials });
    const forged = `${userToken.slice(0, -4)}AAAA`;
    const e2 = (await obo.exchange(forged, "graph").catch((e: unknown) => e)) as OboError;
    expect([e2.code, e2.oauthError]).toEqual(["invalid_grant", "invalid_grant"]);
    expect(e2.message).not.toContain(forged);

    const e3 = (await obo.exchange(userToken, "nope").catch((e: unknown) => e)) as OboError;
    expect(e3.code).toBe("unknown_downstream");
  });

  it("reports an unreachable IdP as idp_unavailable and does not cache failures", async () => {
    const counter = countingFetch();
    const obo = createOboClient({ downstreams: [graph], credentials, fetch: counter.fetch });
    const userToken = await idp.mintAccessToken({ sub: "dave" });
    for (const mode of ["503", "reset"] as const) {
      idp.setDown(true, mode);
      const err = (await obo.exchange(userToken, "graph").catch((e: unknown) => e)) as OboError;
      expect(err.code).toBe("idp_unavailable");
    }
    idp.setDown(false);
    expect((await obo.exchange(userToken, "graph")).accessToken).toBeTruthy();
    expect(counter.calls).toBe(3);
  });
});

describe("OBO against the Okta-shaped test IdP (RFC 8693 token exchange)", () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ shape: "okta" });
  });
  afterAll(() => idp.close());

  it("exchanges with subject_token and audience, and follows a downstream getter", async () => {
    let downstreams: OboDownstreamConfig[] = [];
    const obo = createOboClient({ downstreams: () => downstreams, credentials });
    const userToken = await idp.mintAccessToken({ sub: "alice", scopes: ["mcp:tools", "mcp:resources"] });
    await expect(obo.exchange(userToken, "files")).rejects.toMatchObject({ code: "unknown_downstream" });
    downstreams = [
      {
        name: "files",
        tokenEndpoint: idp.tokenEndpoint,
        grant: "token_exchange",
        scope: "mcp:resources",
        audience: "api://files",
      },
    ];
    const result = await obo.exchange(userToken, "files");
    const claims = decodeJwt(result.accessToken);
    expect(claims.aud).toBe("api://files");
    expect(claims.sub).toBe(decodeJwt(userToken).sub);
    expect(result.issuedTokenType).toBe("urn:ietf:params:oauth:token-type:access_token");
  });
});
