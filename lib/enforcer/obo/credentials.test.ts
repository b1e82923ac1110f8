/**
 * Issue 13 #1: a downstream published by the control plane carries its client id, its client authentication and
 * where the secret lives; the enforcer reads the secret on its own host and the exchange works against a real IdP
 * (the Entra-shaped test IdP, oidc-provider) with client_secret_basic, client_secret_post and private_key_jwt.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JWT_BEARER_GRANT } from "../../../e2e/idp/exchange-grant.js";
import { startTestIdp, type TestIdp } from "../../../e2e/idp/test-idp.js";
import { OboDownstream } from "../policy.js";
import { createOboClient } from "./client.js";
import { oboCredentialsFromPolicy } from "./credentials.js";
import { OboError } from "./errors.js";

const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp({
    shape: "entra",
    clients: [
      {
        client_id: "obo-pkjwt",
        redirect_uris: [],
        response_types: [],
        grant_types: [JWT_BEARER_GRANT],
        token_endpoint_auth_method: "private_key_jwt",
        jwks: { keys: [{ ...ec.publicKey.export({ format: "jwk" }), kid: "obo-1", use: "sig", alg: "ES256" }] },
      },
    ],
  });
});
afterAll(() => idp.close());

const downstream = (extra: Record<string, unknown>) =>
  OboDownstream.parse({
    name: "graph",
    tokenEndpoint: idp.tokenEndpoint,
    grant: "entra_obo",
    scope: "api://downstream-api/mcp:tools",
    ...extra,
  });

const secretDir = mkdtempSync(join(tmpdir(), "obo-"));

async function exchangeWith(d: ReturnType<typeof downstream>, env: Record<string, string> = {}) {
  const obo = createOboClient({
    downstreams: [d],
    credentials: (x) =>
      oboCredentialsFromPolicy(x, { secretDir, source: { env, readFile: (p) => readFileSync(p, "utf8") } }),
  });
  const user = await idp.mintAccessToken({ sub: "alice", scopes: ["mcp:tools"] });
  return { result: await obo.exchange(user, "graph"), user };
}

describe("OBO credentials from the policy", () => {
  it("client_secret_post with the secret in an environment variable", async () => {
    const d = downstream({
      clientId: "portcullis-obo",
      clientAuth: "client_secret_post",
      secretFrom: { env: "PORTCULLIS_OBO_SECRET" },
    });
    const { result, user } = await exchangeWith(d, { PORTCULLIS_OBO_SECRET: "portcullis-obo-secret" });
    expect(decodeJwt(result.accessToken).sub).toBe(decodeJwt(user).sub);
  });

  it("client_secret_basic (the default) with the secret in a file", async () => {
    writeFileSync(join(secretDir, "secret"), "portcullis-obo-secret\n", { mode: 0o600 });
    const d = downstream({ clientId: "portcullis-obo", secretFrom: { file: join(secretDir, "secret") } });
    const { result } = await exchangeWith(d);
    expect(decodeJwt(result.accessToken).aud).toBe("api://downstream-api");
  });

  it("private_key_jwt: a fresh RFC 7523 assertion signed with the key from the variable", async () => {
    const pem = ec.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const d = downstream({
      clientId: "obo-pkjwt",
      clientAuth: "private_key_jwt",
      secretFrom: { env: "PORTCULLIS_OBO_KEY" },
    });
    const { result, user } = await exchangeWith(d, { PORTCULLIS_OBO_KEY: pem });
    expect(decodeJwt(result.accessToken).sub).toBe(decodeJwt(user).sub);
  });

  it("a missing secret names the variable, never a value", () => {
    const d = downstream({ clientId: "portcullis-obo", secretFrom: { env: "PORTCULLIS_OBO_SECRET" } });
    const err = (() => {
      try {
        oboCredentialsFromPolicy(d, { source: { env: {}, readFile: () => "" } });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(OboError);
    expect((err as Error).message).toContain("environment variable PORTCULLIS_OBO_SECRET");
    expect(() => oboCredentialsFromPolicy(downstream({ secretFrom: { env: "X" } }))).toThrow(/no clientId/);
  });

  it("the policy refuses a secret reference that is not a variable name or a path", () => {
    expect(OboDownstream.safeParse({ ...downstream({}), secretFrom: { env: "not a name" } }).success).toBe(false);
    expect(OboDownstream.safeParse({ ...downstream({}), secretFrom: { env: "A", file: "/x" } }).success).toBe(false);
  });
});
