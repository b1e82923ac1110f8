/**
 * Security (issue 13 review): the bundle's author (a control-plane admin) must not be able to make an enforcer read
 * an arbitrary file or environment variable, nor send this server's secrets or its users' tokens to a token
 * endpoint of their choosing. The MCP server's code bounds both; the attacker's endpoint here is a real HTTP server
 * that records whatever reaches it.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestIdp, type TestIdp } from "../../../e2e/idp/test-idp.js";
import { EnforcerPolicy, OboDownstream } from "../policy.js";
import { createRecordingSink } from "../telemetry/sink.js";
import { createOboClient } from "./client.js";
import { oboCredentialsFromPolicy } from "./credentials.js";
import { OboError } from "./errors.js";
import type { OboDownstreamConfig } from "./types.js";

let idp: TestIdp;
let attacker: Server;
let attackerUrl: string;
const received: string[] = [];
const dir = mkdtempSync(join(tmpdir(), "obo-guard-"));
const secrets = join(dir, "secrets");
mkdirSync(secrets);
writeFileSync(join(secrets, "graph"), "portcullis-obo-secret\n", { mode: 0o600 });
writeFileSync(join(dir, "shadow"), "root:$6$not-for-you\n", { mode: 0o600 });
symlinkSync(join(dir, "shadow"), join(secrets, "escape"));

beforeAll(async () => {
  idp = await startTestIdp({ shape: "entra" });
  attacker = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      received.push(`${req.headers.authorization ?? ""} ${body}`);
      res.writeHead(200, { "content-type": "application/json" }).end('{"access_token":"x","token_type":"Bearer"}');
    });
  });
  await new Promise<void>((r) => attacker.listen(0, "127.0.0.1", r));
  attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}/token`;
});
afterAll(async () => {
  await idp.close();
  await new Promise((r) => attacker.close(r));
});

const downstream = (extra: Record<string, unknown>) =>
  OboDownstream.parse({
    name: "graph",
    tokenEndpoint: idp.tokenEndpoint,
    grant: "entra_obo",
    scope: "api://downstream-api/mcp:tools",
    clientId: "portcullis-obo",
    ...extra,
  });

function errorOf(fn: () => unknown): OboError {
  try {
    fn();
  } catch (e) {
    if (e instanceof OboError) return e;
    throw e;
  }
  throw new Error("expected an OboError");
}

describe("where a policy may say the secret lives", () => {
  const source = (env: Record<string, string> = {}) => ({
    env,
    readFile: (p: string) => readFileSync(p, "utf8"),
    realpath: (p: string) => realpathSync(p),
  });

  it("refuses an environment variable without the allowed prefix, before reading it", () => {
    const env = { PORTCULLIS_CREDENTIAL: "pcc_live_secret" };
    const err = errorOf(() =>
      oboCredentialsFromPolicy(downstream({ secretFrom: { env: "PORTCULLIS_CREDENTIAL" } }), { source: source(env) }),
    );
    expect(err.code).toBe("secret_location_refused");
    expect(err.message).toContain("does not start with PORTCULLIS_OBO_");
    expect(err.message).not.toContain("pcc_live_secret");
    const ok = oboCredentialsFromPolicy(downstream({ secretFrom: { env: "PORTCULLIS_OBO_GRAPH" } }), {
      source: source({ PORTCULLIS_OBO_GRAPH: "s3cret" }),
    });
    expect(ok.clientSecret).toBe("s3cret");
    // The server's code may choose another prefix.
    const custom = oboCredentialsFromPolicy(downstream({ secretFrom: { env: "MYAPP_GRAPH" } }), {
      envPrefix: "MYAPP_",
      source: source({ MYAPP_GRAPH: "s3" }),
    });
    expect(custom.clientSecret).toBe("s3");
  });

  it("refuses every file unless the server names a secret directory", () => {
    const err = errorOf(() => oboCredentialsFromPolicy(downstream({ secretFrom: { file: "/etc/shadow" } })));
    expect(err.code).toBe("secret_location_refused");
    expect(err.message).toContain("allows no secret files");
  });

  it.each([
    ["/etc/shadow", "not inside"],
    [join(dir, "shadow"), "not inside"],
    [join(secrets, "..", "shadow"), "not inside"],
    ["../shadow", "not inside"],
    [join(secrets, "escape"), "links outside"],
  ])("refuses %s outside the secret directory", (file, why) => {
    const err = errorOf(() =>
      oboCredentialsFromPolicy(downstream({ secretFrom: { file } }), { secretDir: secrets, source: source() }),
    );
    expect(err.code).toBe("secret_location_refused");
    expect(err.message).toContain(why);
    expect(err.message).not.toContain("not-for-you");
  });

  it("reads a file inside the directory, by absolute path or by name", () => {
    for (const file of [join(secrets, "graph"), "graph"]) {
      const c = oboCredentialsFromPolicy(downstream({ secretFrom: { file } }), { secretDir: secrets });
      expect(c.clientSecret).toBe("portcullis-obo-secret");
    }
  });
});

describe("where a managed policy may send the exchange", () => {
  function policyWith(tokenEndpoint: string) {
    return EnforcerPolicy.parse({
      resource: { uri: "https://mcp.example.com/mcp", name: "files" },
      idp: {
        kind: "entra",
        issuers: [idp.issuer],
        jwksUri: idp.jwksUri,
        audiences: ["api://portcullis-test"],
        authorizationServers: [idp.issuer],
      },
      obo: [downstream({ tokenEndpoint, secretFrom: { env: "PORTCULLIS_OBO_GRAPH" } })],
    });
  }
  const env = { PORTCULLIS_OBO_GRAPH: "portcullis-obo-secret" };

  it("refuses a token endpoint off the IdP's origin: nothing reaches it, the error is reported", async () => {
    const sink = createRecordingSink();
    const policy = policyWith(attackerUrl);
    const obo = createOboClient({
      policy: () => policy,
      credentials: (d) => oboCredentialsFromPolicy(d, { source: { env, readFile: () => "" } }),
      sink,
    });
    const user = await idp.mintAccessToken({ sub: "alice", scopes: ["mcp:tools"] });
    const err = await obo.exchange(user, "graph").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OboError);
    expect((err as OboError).code).toBe("token_endpoint_refused");
    expect((err as OboError).message).toContain(new URL(attackerUrl).origin);
    expect(received).toEqual([]);
    expect(sink.ofType("obo_exchange")).toMatchObject([{ outcome: "error", error: "token_endpoint_refused" }]);
  });

  it("exchanges on the IdP's own token endpoint, and elsewhere only when the server's code allows it", async () => {
    const user = await idp.mintAccessToken({ sub: "alice", scopes: ["mcp:tools"] });
    const good = policyWith(idp.tokenEndpoint);
    const credentials = (d: OboDownstreamConfig) =>
      oboCredentialsFromPolicy(d, { source: { env, readFile: () => "" } });
    const token = await createOboClient({ policy: () => good, credentials }).exchange(user, "graph");
    expect(decodeJwt(token.accessToken).sub).toBe(decodeJwt(user).sub);
    const other = policyWith(attackerUrl);
    await createOboClient({
      policy: () => other,
      credentials,
      allowTokenEndpointOrigins: [new URL(attackerUrl).origin],
    })
      .exchange(user, "graph")
      .catch(() => undefined); // the stand-in answers no usable token; what matters is that it was asked
    expect(received).toHaveLength(1);
  });

  it("takes downstreams from code or from a policy, never both", () => {
    const p = policyWith(idp.tokenEndpoint);
    expect(() => createOboClient({ policy: () => p, downstreams: [], credentials: { clientId: "x" } })).toThrow(
      TypeError,
    );
  });
});
