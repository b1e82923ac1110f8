import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EnforcerError, ReasonCode } from "../errors.js";
import { type JwksServer, startJwksServer } from "../test-utils/jwks-server.js";
import { createTestKey, createToken, signJws } from "../test-utils/keys.js";
import { testPolicy } from "../test-utils/policy.js";
import type { TokenValidatorOptions } from "./types.js";
import { createTokenValidator } from "./validator.js";

const ISS = "https://idp.test/";
const AUD = "api://mcp";
const NOW_SEC = 1_700_000_000;
const key = createTestKey("RS256", "k1");
const stranger = createTestKey("RS256", "k1");

let server: JwksServer;
let t = NOW_SEC * 1000;

beforeAll(async () => {
  server = await startJwksServer([key.jwk]);
});
afterAll(() => server.close());
beforeEach(() => {
  t = NOW_SEC * 1000;
});

function validator(o: Partial<TokenValidatorOptions> = {}) {
  return createTokenValidator({ issuer: ISS, audience: AUD, jwksUri: server.url, now: () => t, ...o });
}

function token(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): string {
  return createToken(key, { iss: ISS, aud: AUD, nowSec: NOW_SEC, scope: "mcp:tools", ...claims }, header);
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    if (err instanceof EnforcerError) return err.code;
    throw err;
  }
}

describe("the validator's clock", () => {
  it("reads it once per miss checked at once, and judges the claims at that reading", async () => {
    let reads = 0;
    const now = () => {
      reads++;
      return t;
    };
    const v = validator({ verifiedCacheSize: 0, now });
    await v.validate(token()); // loads the JWKS
    reads = 0;
    for (let i = 0; i < 20; i++) expect(v.validateNow(token({ sub: `user-${i}` }))).toMatchObject({ cacheHit: false });
    // One reading per token: the JWKS freshness and the claims share it (three before).
    expect(reads).toBe(20);
  });

  it("reads it again for the claims after waiting for the key set: a token that expired meanwhile is refused", async () => {
    const v = validator({ verifiedCacheSize: 0 });
    const expiring = token({ exp: NOW_SEC + 60 });
    const pending = v.validateNow(expiring); // the JWKS is not loaded yet: this waits for the fetch
    expect(pending).toBeInstanceOf(Promise);
    t = (NOW_SEC + 60 + 31) * 1000; // past exp and the 30 s tolerance while the fetch runs
    expect(await code(Promise.resolve(pending))).toBe(ReasonCode.TokenExpired);
  });
});

describe("createTokenValidator options", () => {
  it.each([
    ["no issuer", { issuer: [] }],
    ["empty audience", { audience: "" }],
    ["relative jwksUri", { jwksUri: "/jwks" }],
    ["non-http jwksUri", { jwksUri: "file:///etc/passwd" }],
    ["alg none", { algorithms: ["none"] }],
    ["HMAC", { algorithms: ["HS256"] }],
    ["empty algorithms", { algorithms: [] }],
    ["unknown profile", { profile: "keycloak" }],
    ["bad leeway", { clockToleranceSec: -1 }],
    ["fractional size", { maxTokenBytes: 1.5 }],
    ["bad typ", { requireTokenType: "JWT" }],
    ["non-boolean coalescing", { coalesceVerifications: "yes" }],
  ])("throws TypeError at construction for %s", (_, bad) => {
    expect(() => validator(bad as Partial<TokenValidatorOptions>)).toThrow(TypeError);
  });
});

describe("validate", () => {
  it("accepts a good token and normalizes it", async () => {
    const v = validator({ profile: "auth0" });
    const result = await v.validate(token({ azp: "client-1", permissions: ["files:read"] }));
    expect(result).toMatchObject({
      subject: "user-1",
      clientId: "client-1",
      scopes: ["mcp:tools", "files:read"],
      roles: [],
      expiresAt: NOW_SEC + 900,
    });
  });

  it("serves a repeated token from the cache, skipping the signature work", async () => {
    const v = validator();
    const jwt = token();
    expect((await v.validateDetailed(jwt)).cacheHit).toBe(false);
    const requests = server.requests;
    expect((await v.validateDetailed(jwt)).cacheHit).toBe(true);
    expect(server.requests).toBe(requests);
  });

  it("never serves a cached token at or past exp, and re-validation then applies the leeway", async () => {
    const v = validator();
    const jwt = token({ exp: NOW_SEC + 60 });
    await v.validate(jwt);
    t = (NOW_SEC + 60) * 1000;
    expect((await v.validateDetailed(jwt)).cacheHit).toBe(false);
    t = (NOW_SEC + 91) * 1000;
    expect(await code(v.validate(jwt))).toBe(ReasonCode.TokenExpired);
  });

  it("drops cached results when the key that verified them leaves the JWKS", async () => {
    const v = validator({ jwksCacheTtlSec: 60 });
    const jwt = token();
    await v.validate(jwt);
    server.keys = [createTestKey("RS256", "k9").jwk];
    try {
      t += 61_000;
      await v.validate(token({ kid: undefined }, { kid: "k9" })).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
      expect(await code(v.validate(jwt))).toBe(ReasonCode.UnknownKid);
    } finally {
      server.keys = [key.jwk];
    }
  });

  it("does not serve cached results once the JWKS is past its grace period", async () => {
    const v = validator({ jwksCacheTtlSec: 60, jwksGraceSec: 60 });
    const jwt = token({ exp: NOW_SEC + 3600 });
    await v.validate(jwt);
    server.mode = "down";
    try {
      t += 100_000;
      expect((await v.validateDetailed(jwt)).cacheHit).toBe(true);
      await new Promise((r) => setTimeout(r, 50));
      t += 30_000;
      expect(await code(v.validate(jwt))).toBe(ReasonCode.JwksUnavailable);
    } finally {
      server.mode = "ok";
    }
  });

  it("accepts an array audience containing this API (Auth0 style)", async () => {
    await expect(validator().validate(token({ aud: ["https://idp.test/userinfo", AUD] }))).resolves.toBeDefined();
  });

  it("accepts any of several issuers (Entra v1 and v2)", async () => {
    const v = validator({ issuer: ["https://sts.windows.net/t/", ISS] });
    await expect(v.validate(token())).resolves.toBeDefined();
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, Partial<TokenValidatorOptions>, string]>([
    ["issuer one character off", { iss: "https://idp.tesT/" }, {}, {}, ReasonCode.IssuerMismatch],
    ["issuer without trailing slash", { iss: "https://idp.test" }, {}, {}, ReasonCode.IssuerMismatch],
    ["missing issuer", { iss: undefined }, {}, {}, ReasonCode.IssuerMismatch],
    ["another API's audience", { aud: "api://other" }, {}, {}, ReasonCode.AudienceMismatch],
    ["audience array without us", { aud: ["api://a", "api://b"] }, {}, {}, ReasonCode.AudienceMismatch],
    ["audience prefix only", { aud: "api://mcp/extra" }, {}, {}, ReasonCode.AudienceMismatch],
    ["expired by 31 s", { exp: NOW_SEC - 31 }, {}, {}, ReasonCode.TokenExpired],
    ["nbf 31 s ahead", { nbf: NOW_SEC + 31 }, {}, {}, ReasonCode.TokenNotYetValid],
    ["iat 31 s ahead", { iat: NOW_SEC + 31, nbf: undefined }, {}, {}, ReasonCode.TokenIssuedInFuture],
    ["no exp", { exp: undefined }, {}, {}, ReasonCode.ClaimMissing],
    ["exp not a number", { exp: "soon" }, {}, {}, ReasonCode.TokenMalformed],
    ["no sub", { sub: undefined }, {}, {}, ReasonCode.ClaimMissing],
    ["empty sub", { sub: "" }, {}, {}, ReasonCode.ClaimMissing],
    ["ID token (nonce)", { nonce: "n" }, {}, {}, ReasonCode.IdTokenRejected],
    ["ID token (at_hash)", { at_hash: "h" }, {}, {}, ReasonCode.IdTokenRejected],
    ["typ id_token", {}, { typ: "id_token+jwt" }, {}, ReasonCode.TokenTypeInvalid],
    [
      "typ JWT when at+jwt is required",
      {},
      { typ: "JWT" },
      { requireTokenType: "at+jwt" },
      ReasonCode.TokenTypeInvalid,
    ],
    [
      "no typ when at+jwt is required",
      {},
      { typ: undefined },
      { requireTokenType: "at+jwt" },
      ReasonCode.TokenTypeInvalid,
    ],
    [
      "lifetime above the maximum",
      { exp: NOW_SEC + 3600 },
      {},
      { maxTokenLifetimeSec: 900 },
      ReasonCode.TokenLifetimeTooLong,
    ],
    [
      "lifetime bound without iat",
      { iat: undefined, nbf: undefined },
      {},
      { maxTokenLifetimeSec: 900 },
      ReasonCode.ClaimMissing,
    ],
    ["unknown kid", {}, { kid: "nope" }, { forcedRefreshMinIntervalSec: 0 }, ReasonCode.UnknownKid],
    ["RS256 token when only ES256 is allowed", {}, {}, { algorithms: ["ES256"] }, ReasonCode.AlgNotAllowed],
  ])("refuses %s", async (_, claims, header, opts, expected) => {
    expect(await code(validator(opts).validate(token(claims, header)))).toBe(expected);
  });

  // Issue 10 #15: a token valid for ten years is refused by default (86,400 s); 0 disables the bound.
  it("bounds the token lifetime to 86,400 s by default; 0 disables the bound", async () => {
    const tenYears = token({ exp: NOW_SEC + 10 * 365 * 86_400 });
    expect(await code(validator().validate(tenYears))).toBe(ReasonCode.TokenLifetimeTooLong);
    await expect(validator().validate(token({ exp: NOW_SEC + 86_400 }))).resolves.toBeDefined();
    await expect(validator({ maxTokenLifetimeSec: 0 }).validate(tenYears)).resolves.toBeDefined();
    await expect(
      validator({ maxTokenLifetimeSec: 31_536_000 }).validate(token({ exp: NOW_SEC + 2 * 86_400 })),
    ).resolves.toBeDefined();
    expect(testPolicy(server.url).idp.maxTokenLifetimeSec).toBe(86_400);
  });

  it("accepts exactly at the leeway boundaries", async () => {
    const v = validator();
    await expect(v.validate(token({ exp: NOW_SEC - 30 }))).resolves.toBeDefined();
    await expect(v.validate(token({ nbf: NOW_SEC + 30, iat: NOW_SEC + 30 }))).resolves.toBeDefined();
  });

  it("accepts typ at+jwt and application/at+jwt when required", async () => {
    const v = validator({ requireTokenType: "at+jwt" });
    await expect(v.validate(token({}, { typ: "at+jwt" }))).resolves.toBeDefined();
    await expect(v.validate(token({}, { typ: "application/at+jwt" }))).resolves.toBeDefined();
  });

  it("refuses a token signed by another key with the same kid (forged scopes)", async () => {
    const forged = createToken(stranger, { iss: ISS, aud: AUD, nowSec: NOW_SEC, scope: "mcp:tools:admin" });
    expect(await code(validator().validate(forged))).toBe(ReasonCode.SignatureInvalid);
  });

  it("refuses a payload that is not a JSON object even with a valid signature", async () => {
    const jwt = signJws({ alg: "RS256", kid: "k1" }, "[1,2]", key.privateKey);
    expect(await code(validator().validate(jwt))).toBe(ReasonCode.TokenMalformed);
  });

  it("refuses an oversized token before any parsing, and a missing token", async () => {
    const v = validator({ maxTokenBytes: 1024 });
    expect(await code(v.validate(token({ pad: "x".repeat(2000) })))).toBe(ReasonCode.TokenTooLarge);
    expect(await code(v.validate(""))).toBe(ReasonCode.TokenMissing);
  });
});

describe("coalesced signature checks", () => {
  const isPromise = (v: unknown) => v instanceof Promise;

  it("checks a lone miss at once and batches misses that arrive in the same turn", async () => {
    const v = validator({ verifiedCacheSize: 0, coalesceVerifications: true });
    await v.validate(token({ sub: "warm-up" })); // loads the JWKS
    await new Promise((r) => setImmediate(r));
    const lone = v.validateNow(token({ sub: "lone" }));
    expect(isPromise(lone)).toBe(false);
    // A second miss in the same turn: concurrency, so it and the ones after it wait for the batch.
    const second = v.validateNow(token({ sub: "second" }));
    const third = v.validateNow(token({ sub: "third" }));
    expect(isPromise(second)).toBe(true);
    expect(isPromise(third)).toBe(true);
    expect((await second).token.subject).toBe("second");
    expect((await third).token.subject).toBe("third");
    // While batches hold several misses, the next turn's first miss is batched too…
    const next = v.validateNow(token({ sub: "next" }));
    expect(isPromise(next)).toBe(true);
    await next;
    // …and a batch of one switches back to checking at once.
    await new Promise((r) => setImmediate(r));
    expect(isPromise(v.validateNow(token({ sub: "alone-again" })))).toBe(false);
  });

  it("settles each check of a batch on its own: a forged token fails, its neighbours pass", async () => {
    const v = validator({ verifiedCacheSize: 0, coalesceVerifications: true });
    await v.validate(token());
    await new Promise((r) => setImmediate(r));
    const forged = createToken(stranger, { iss: ISS, aud: AUD, nowSec: NOW_SEC, sub: "forged" });
    const results = [token({ sub: "a" }), forged, token({ sub: "b" }), token({ aud: "api://other" })].map((jwt) =>
      Promise.resolve()
        .then(() => v.validateNow(jwt))
        .then(
          (r) => r.token.subject,
          (e: EnforcerError) => e.code,
        ),
    );
    // All four were started in the same turn (the microtasks above run before any immediate).
    expect(await Promise.all(results)).toEqual(["a", ReasonCode.SignatureInvalid, "b", ReasonCode.AudienceMismatch]);
  });

  it("never defers by default (coalesceVerifications is for servers; createEnforcer turns it on)", async () => {
    const v = validator({ verifiedCacheSize: 0 });
    await v.validate(token());
    const all = ["a", "b", "c"].map((sub) => v.validateNow(token({ sub })));
    expect(all.some(isPromise)).toBe(false);
  });
});
