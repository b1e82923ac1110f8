import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAuthorizationCodeFlow } from "./code-flow.js";
import { DEFAULT_ADMIN_REDIRECT_URI, startTestIdp, type TestIdp } from "./test-idp.js";

describe("authorization code + PKCE through the dev login pages", () => {
  let idp: TestIdp;
  let meta: Record<string, string>;
  beforeAll(async () => {
    idp = await startTestIdp({ accounts: { alice: { groups: ["portcullis-admins"], name: "Alice Admin" } } });
    meta = (await (await fetch(idp.discoveryUrl)).json()) as Record<string, string>;
  });
  afterAll(() => idp.close());

  const jwks = () => createRemoteJWKSet(new URL(idp.jwksUri));

  it("gives the admin client an ID token with email, name and groups (next-auth reads only this)", async () => {
    const tokens = await runAuthorizationCodeFlow({
      discoveryUrl: idp.discoveryUrl,
      clientId: "portcullis-admin",
      clientSecret: "portcullis-admin-secret",
      redirectUri: DEFAULT_ADMIN_REDIRECT_URI,
      login: "alice",
      scope: "openid email profile groups",
    });
    const { payload } = await jwtVerify(tokens.id_token ?? "", jwks(), {
      issuer: idp.issuer,
      audience: "portcullis-admin",
    });
    expect(payload).toMatchObject({
      sub: "alice",
      email: "alice@example.test",
      name: "Alice Admin",
      groups: ["portcullis-admins"],
    });
    // Every access token is a JWT for the default API audience, even on the admin sign-in.
    await jwtVerify(tokens.access_token, jwks(), { issuer: idp.issuer, audience: idp.audience });
  });

  it("refuses an authorization request without a PKCE challenge, even for a confidential client", async () => {
    const url = new URL(meta.authorization_endpoint ?? "");
    url.search = new URLSearchParams({
      client_id: "portcullis-admin",
      redirect_uri: DEFAULT_ADMIN_REDIRECT_URI,
      response_type: "code",
      scope: "openid",
    }).toString();
    const res = await fetch(url, { redirect: "manual" });
    const location = new URL(res.headers.get("location") ?? "", url);
    expect(location.href.startsWith(DEFAULT_ADMIN_REDIRECT_URI)).toBe(true);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("error_description")).toMatch(/PKCE/);
  });

  it("lets a dynamically registered public client (the MCP SDK path) get a resource-bound JWT", async () => {
    const redirectUri = "http://127.0.0.1:9/callback";
    const reg = await fetch(meta.registration_endpoint ?? "", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        // MCP clients register with the scope of the resource's challenge.
        scope: "mcp:tools mcp:resources",
      }),
    });
    expect(reg.status).toBe(201);
    const client = (await reg.json()) as { client_id: string };
    const resource = "http://127.0.0.1:9/mcp";
    const tokens = await runAuthorizationCodeFlow({
      discoveryUrl: idp.discoveryUrl,
      clientId: client.client_id,
      redirectUri,
      login: "bob",
      scope: "mcp:tools mcp:resources",
      resource,
    });
    const { payload } = await jwtVerify(tokens.access_token, jwks(), { issuer: idp.issuer, audience: resource });
    expect(payload).toMatchObject({ sub: "bob", client_id: client.client_id, scope: "mcp:tools mcp:resources" });

    // Refresh tokens are one-time: the second use of the same one fails (DOMAIN.md).
    const refresh = () =>
      fetch(idp.tokenEndpoint, {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: tokens.refresh_token ?? "",
          client_id: client.client_id,
          resource,
        }),
      });
    expect((await refresh()).status).toBe(200);
    expect(await (await refresh()).json()).toMatchObject({ error: "invalid_grant" });
  });
});
