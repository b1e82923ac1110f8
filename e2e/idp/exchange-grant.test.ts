import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JWT_BEARER_GRANT, TOKEN_EXCHANGE_GRANT } from "./exchange-grant.js";
import { startTestIdp, type TestIdp } from "./test-idp.js";

const OBO_CLIENT = `Basic ${Buffer.from("portcullis-obo:portcullis-obo-secret").toString("base64")}`;
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

async function tokenRequest(idp: TestIdp, params: Record<string, string>, authorization = OBO_CLIENT) {
  const res = await fetch(idp.tokenEndpoint, {
    method: "POST",
    headers: { authorization },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const verify = (idp: TestIdp, token: unknown, audience: string) =>
  jwtVerify(String(token), createRemoteJWKSet(new URL(idp.jwksUri)), { issuer: idp.issuer, audience });

describe("RFC 8693 token exchange (okta shape)", () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ shape: "okta" });
  });
  afterAll(() => idp.close());

  it("exchanges a user token for one with a new audience and the same sub", async () => {
    const subject = await idp.mintAccessToken({ sub: "alice", scopes: ["mcp:tools", "mcp:resources"] });
    const { status, body } = await tokenRequest(idp, {
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: subject,
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: "api://downstream",
      scope: "mcp:resources",
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      token_type: "Bearer",
      expires_in: 900,
      scope: "mcp:resources",
      issued_token_type: ACCESS_TOKEN_TYPE,
    });
    const { payload } = await verify(idp, body.access_token, "api://downstream");
    expect(payload).toMatchObject({ sub: "alice", scp: ["mcp:resources"], cid: "portcullis-obo", ver: 1 });
  });

  it("keeps the subject token's scopes when none are requested", async () => {
    const subject = await idp.mintAccessToken({ sub: "alice", scopes: ["mcp:prompts"] });
    const { body } = await tokenRequest(idp, {
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: subject,
      subject_token_type: ACCESS_TOKEN_TYPE,
      resource: "http://127.0.0.1:9/downstream",
    });
    expect((await verify(idp, body.access_token, "http://127.0.0.1:9/downstream")).payload.scp).toEqual([
      "mcp:prompts",
    ]);
  });

  it.each([
    ["a token of another issuer", { claims: { iss: "http://127.0.0.1:1/other" } }, "invalid_grant"],
    ["an expired token", { expiresInSec: -120 }, "invalid_grant"],
  ])("rejects %s", async (_name, mint, error) => {
    const subject = await idp.mintAccessToken({ sub: "alice", ...mint });
    const { status, body } = await tokenRequest(idp, {
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: subject,
      subject_token_type: ACCESS_TOKEN_TYPE,
    });
    expect({ status, error: body.error }).toEqual({ status: 400, error });
  });

  it("rejects a wrong subject_token_type and clients without the grant", async () => {
    const subject = await idp.mintAccessToken({ sub: "alice" });
    const params = { grant_type: TOKEN_EXCHANGE_GRANT, subject_token: subject, subject_token_type: "urn:x" };
    expect((await tokenRequest(idp, params)).body.error).toBe("invalid_request");
    const agent = `Basic ${Buffer.from("agent-1:agent-1-secret").toString("base64")}`;
    const denied = await tokenRequest(idp, { ...params, subject_token_type: ACCESS_TOKEN_TYPE }, agent);
    expect(denied.body).toMatchObject({
      error: "invalid_request",
      error_description: expect.stringMatching(/not allowed/),
    });
  });

  it("answers interaction_required for the needs-consent account", async () => {
    const subject = await idp.mintAccessToken({ sub: "needs-consent" });
    const { status, body } = await tokenRequest(idp, {
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: subject,
      subject_token_type: ACCESS_TOKEN_TYPE,
    });
    expect({ status, error: body.error }).toEqual({ status: 400, error: "interaction_required" });
  });
});

describe("Entra on-behalf-of (jwt-bearer)", () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ shape: "entra" });
  });
  afterAll(() => idp.close());

  const obo = (assertion: string, scope: string) =>
    tokenRequest(idp, { grant_type: JWT_BEARER_GRANT, assertion, requested_token_use: "on_behalf_of", scope });

  it("issues a token for the downstream API named by the scope prefix, same sub", async () => {
    const user = await idp.mintAccessToken({ sub: "alice", scopes: ["mcp:tools"], clientId: "some-mcp-client" });
    const { status, body } = await obo(user, "api://downstream/mcp:resources");
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", scope: "mcp:resources", expires_in: 900 });
    const { payload, protectedHeader } = await verify(idp, body.access_token, "api://downstream");
    expect(protectedHeader.typ).toBe("JWT");
    expect(payload).toMatchObject({ sub: "alice", scp: "mcp:resources", azp: "portcullis-obo", ver: "2.0" });
  });

  it("expands /.default to every scope of the API", async () => {
    const user = await idp.mintAccessToken({ sub: "alice" });
    const { body } = await obo(user, "api://downstream/.default");
    expect(String(body.scope).split(" ")).toEqual(
      expect.arrayContaining(["mcp:tools", "mcp:prompts", "mcp:tools:admin"]),
    );
  });

  it("requires requested_token_use=on_behalf_of", async () => {
    const user = await idp.mintAccessToken({ sub: "alice" });
    const { body } = await tokenRequest(idp, {
      grant_type: JWT_BEARER_GRANT,
      assertion: user,
      scope: "api://d/mcp:tools",
    });
    expect(body.error).toBe("invalid_request");
  });

  it("answers interaction_required (consent missing) for the needs-consent account", async () => {
    const user = await idp.mintAccessToken({ sub: "needs-consent" });
    const { status, body } = await obo(user, "api://downstream/mcp:tools");
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: "interaction_required",
      error_description: expect.stringMatching(/AADSTS65001/),
    });
  });

  it("rejects an assertion signed by a key the IdP no longer publishes", async () => {
    const user = await idp.mintAccessToken({ sub: "alice" });
    await idp.rotateKeys();
    idp.dropOldKeys();
    const { body } = await obo(user, "api://downstream/mcp:tools");
    expect(body.error).toBe("invalid_grant");
  });
});
