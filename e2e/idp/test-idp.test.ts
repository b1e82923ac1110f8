import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IdpShape, startTestIdp, type TestIdp } from "./test-idp.js";

const SHAPES: IdpShape[] = ["oidc", "entra", "okta", "auth0"];
const AGENT = { clientId: "agent-1", clientSecret: "agent-1-secret" };

async function fetchJwks(idp: TestIdp): Promise<JSONWebKeySet> {
  const res = await fetch(idp.jwksUri);
  expect(res.status).toBe(200);
  return (await res.json()) as JSONWebKeySet;
}

async function verify(idp: TestIdp, token: string, audience = idp.audience) {
  return jwtVerify(token, createRemoteJWKSet(new URL(idp.jwksUri)), { issuer: idp.issuer, audience });
}

describe.each(SHAPES)("shape %s", (shape) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ shape });
  });
  afterAll(() => idp.close());

  it("serves discovery whose issuer is exactly the issuer, on 127.0.0.1", async () => {
    const doc = (await (await fetch(idp.discoveryUrl)).json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(idp.issuer);
    expect(doc.jwks_uri).toBe(idp.jwksUri);
    expect(doc.token_endpoint).toBe(idp.tokenEndpoint);
    expect(doc.code_challenge_methods_supported).toEqual(["S256"]);
    expect(doc.registration_endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(doc.grant_types_supported).toEqual(
      expect.arrayContaining([
        "client_credentials",
        "urn:ietf:params:oauth:grant-type:token-exchange",
        "urn:ietf:params:oauth:grant-type:jwt-bearer",
      ]),
    );
    expect(new URL(idp.issuer).hostname).toBe("127.0.0.1");
  });

  it("publishes one RS256 signing key with a kid", async () => {
    const jwks = await fetchJwks(idp);
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", kid: expect.any(String) });
    expect(jwks.keys[0]).not.toHaveProperty("d");
  });

  it("issues client-credentials JWTs that verify against its JWKS", async () => {
    const token = await idp.clientCredentialsToken({ ...AGENT, scope: "mcp:tools mcp:prompts" });
    const { payload, protectedHeader } = await verify(idp, token);
    expect(protectedHeader.kid).toBe((await fetchJwks(idp)).keys[0]?.kid);
    expect(payload.exp).toBe((payload.iat ?? 0) + 900);
  });

  it("mints tokens that verify like provider-issued ones", async () => {
    const token = await idp.mintAccessToken({ sub: "bob", scopes: ["mcp:tools"] });
    const { payload } = await verify(idp, token);
    expect(payload.sub).toBe("bob");
  });
});

describe("token shapes", () => {
  const idps = new Map<IdpShape, TestIdp>();
  beforeAll(async () => {
    for (const shape of SHAPES) idps.set(shape, await startTestIdp({ shape }));
  });
  afterAll(() => Promise.all([...idps.values()].map((idp) => idp.close())));
  const get = (shape: IdpShape) => idps.get(shape) as TestIdp;
  const cc = async (shape: IdpShape) => {
    const idp = get(shape);
    return verify(idp, await idp.clientCredentialsToken({ ...AGENT, scope: "mcp:tools mcp:prompts" }));
  };

  it("entra: typ JWT, ver 2.0, app-only roles array, azp, tid, oid, v2 issuer", async () => {
    const { payload, protectedHeader } = await cc("entra");
    expect(protectedHeader.typ).toBe("JWT");
    expect(payload).toMatchObject({ ver: "2.0", roles: ["mcp:tools", "mcp:prompts"], azp: "agent-1", idtyp: "app" });
    expect(payload).not.toHaveProperty("scp");
    expect(payload.tid).toBe(get("entra").tenantId);
    expect(payload.oid).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.iss).toBe(`http://127.0.0.1:${get("entra").port}/${get("entra").tenantId}/v2.0`);
  });

  it("entra: user tokens carry scp as a space-separated string", async () => {
    const idp = get("entra");
    const { payload } = await verify(
      idp,
      await idp.mintAccessToken({ sub: "alice", scopes: ["mcp:tools", "mcp:resources"] }),
    );
    expect(payload).toMatchObject({ scp: "mcp:tools mcp:resources", sub: "alice", azp: "agent-1", ver: "2.0" });
    expect(payload).not.toHaveProperty("roles");
  });

  it("entra: `{app id uri}/scope` and `/.default` requests become bare scopes", async () => {
    const idp = get("entra");
    const token = await idp.clientCredentialsToken({ ...AGENT, scope: "api://portcullis-test/.default" });
    const { payload } = await verify(idp, token);
    expect(payload.roles).toEqual(expect.arrayContaining(["mcp:tools", "mcp:tools:admin"]));
    expect(payload.roles).not.toContain(".default");
  });

  it("okta: typ JWT, numeric ver 1, scp array, cid, AT. jti, default aud api://default", async () => {
    const { payload, protectedHeader } = await cc("okta");
    expect(protectedHeader.typ).toBe("JWT");
    expect(payload).toMatchObject({ ver: 1, scp: ["mcp:tools", "mcp:prompts"], cid: "agent-1", aud: "api://default" });
    expect(payload.jti).toMatch(/^AT\./);
    expect(payload.iss).toBe(`http://127.0.0.1:${get("okta").port}/oauth2/default`);
    const user = await verify(get("okta"), await get("okta").mintAccessToken({ sub: "alice" }));
    expect(user.payload.uid).toMatch(/^00u/);
  });

  it("auth0: trailing-slash issuer, scope string, permissions, azp, gty and …@clients sub", async () => {
    const { payload, protectedHeader } = await cc("auth0");
    expect(protectedHeader.typ).toBe("JWT");
    expect(payload.iss).toBe(`http://127.0.0.1:${get("auth0").port}/`);
    expect(payload).toMatchObject({
      scope: "mcp:tools mcp:prompts",
      permissions: ["mcp:tools", "mcp:prompts"],
      azp: "agent-1",
      gty: "client-credentials",
      sub: "agent-1@clients",
    });
  });

  it("oidc: RFC 9068 at+jwt with client_id and scope string", async () => {
    const { payload, protectedHeader } = await cc("oidc");
    expect(protectedHeader.typ).toBe("at+jwt");
    expect(payload).toMatchObject({ client_id: "agent-1", scope: "mcp:tools mcp:prompts", sub: "agent-1" });
  });

  it("uses the resource indicator as audience (RFC 8707), except for entra's fixed API audience", async () => {
    const resource = "http://127.0.0.1:9/mcp";
    const oidc = await get("oidc").clientCredentialsToken({ ...AGENT, scope: "mcp:tools", resource });
    expect((await verify(get("oidc"), oidc, resource)).payload.aud).toBe(resource);
    const entra = await get("entra").clientCredentialsToken({ ...AGENT, scope: "mcp:tools", resource });
    expect((await verify(get("entra"), entra)).payload.aud).toBe("api://portcullis-test");
  });

  it("rejects a wrong client secret with invalid_client", async () => {
    await expect(
      get("oidc").clientCredentialsToken({ clientId: "agent-1", clientSecret: "nope", scope: "mcp:tools" }),
    ).rejects.toThrow(/\(401\).*invalid_client/);
  });

  it("mint overrides merge last: undefined removes a claim, header fields are kept as given", async () => {
    const idp = get("oidc");
    const token = await idp.mintAccessToken({
      claims: { sub: undefined, extra: 1 },
      header: { kid: "forged", jku: "http://x" },
    });
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ kid: "forged", jku: "http://x", alg: "RS256", typ: "at+jwt" });
    const jwks = createLocalJWKSet({ keys: (await fetchJwks(idp)).keys.map((k) => ({ ...k, kid: "forged" })) });
    const { payload } = await jwtVerify(token, jwks);
    expect(payload).not.toHaveProperty("sub");
    expect(payload.extra).toBe(1);
  });

  it("mints expired tokens on request", async () => {
    const idp = get("oidc");
    await expect(verify(idp, await idp.mintAccessToken({ expiresInSec: -60 }))).rejects.toThrow(/"exp" claim/);
  });
});

describe("keys and outages", () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ shape: "okta" });
  });
  afterAll(() => idp.close());

  it("rotateKeys signs with a new kid while the old key stays published until dropOldKeys", async () => {
    const before = await idp.clientCredentialsToken({ ...AGENT, scope: "mcp:tools" });
    const oldKid = decodeProtectedHeader(before).kid;
    await idp.rotateKeys();
    const after = await idp.clientCredentialsToken({ ...AGENT, scope: "mcp:tools" });
    const minted = await idp.mintAccessToken({});
    const newKid = decodeProtectedHeader(after).kid;
    expect(newKid).not.toBe(oldKid);
    expect(decodeProtectedHeader(minted).kid).toBe(newKid);
    expect((await fetchJwks(idp)).keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
    await jwtVerify(after, createLocalJWKSet(await fetchJwks(idp)));
    await jwtVerify(before, createLocalJWKSet(await fetchJwks(idp)));

    idp.dropOldKeys();
    expect((await fetchJwks(idp)).keys.map((k) => k.kid)).toEqual([newKid]);
    await expect(jwtVerify(before, createLocalJWKSet(await fetchJwks(idp)))).rejects.toThrow(/no applicable key/);
  });

  it("counts JWKS requests", async () => {
    const start = idp.jwksRequestCount();
    await fetchJwks(idp);
    await fetch(idp.discoveryUrl);
    await fetchJwks(idp);
    expect(idp.jwksRequestCount()).toBe(start + 2);
  });

  it("setDown answers 503 (or resets connections) for every request, JWKS included", async () => {
    idp.setDown(true);
    expect((await fetch(idp.jwksUri)).status).toBe(503);
    expect((await fetch(idp.discoveryUrl)).status).toBe(503);
    idp.setDown(true, "reset");
    await expect(fetch(idp.jwksUri)).rejects.toThrow(/fetch failed/);
    idp.setDown(false);
    expect((await fetch(idp.jwksUri)).status).toBe(200);
  });

  it("supports ES256 keys", async () => {
    const es = await startTestIdp({ keyAlg: "ES256" });
    try {
      const token = await es.clientCredentialsToken({ ...AGENT, scope: "mcp:tools" });
      const { protectedHeader } = await verify(es, token);
      expect(protectedHeader.alg).toBe("ES256");
      expect((await fetchJwks(es)).keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256" });
      await verify(es, await es.mintAccessToken({}));
    } finally {
      await es.close();
    }
  });
});
