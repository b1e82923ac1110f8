import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkIdpConnection } from "./test-connection";

/**
 * Issue 13 #11: a failed Test connection leads with the real cause (DNS, refused, TLS) before any
 * issuer diagnosis. Real sockets on loopback, a real self-signed certificate, a real DNS lookup.
 */
const target = (base: string) => ({
  issuers: [`${base}/`],
  discoveryUrl: `${base}/.well-known/openid-configuration`,
  jwksUri: `${base}/jwks`,
  algorithms: ["RS256"],
});

async function listen(server: ReturnType<typeof createHttpServer>): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

describe("Test connection: the real cause first", () => {
  it("DNS failure", async () => {
    const r = await checkIdpConnection(target("https://portcullis-no-such-idp.invalid"));
    expect(r.ok).toBe(false);
    expect(r.cause).toMatch(/^DNS failure: portcullis-no-such-idp\.invalid does not resolve/);
    expect(r.cause).not.toMatch(/issuer/i);
  });

  it("connection refused", async () => {
    const server = createHttpServer();
    const port = await listen(server);
    await new Promise((r) => server.close(r));
    const r = await checkIdpConnection(target(`http://127.0.0.1:${port}`));
    expect(r.cause).toBe(
      `Connection refused: nothing accepts connections at 127.0.0.1:${port}, so the discovery document cannot be fetched. Check the host and port.`,
    );
  });

  it("TLS error (a self-signed certificate)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pcl-tls-"));
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"].concat([
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ]),
      { stdio: "ignore" },
    );
    const server = createHttpsServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (_req, res) => res.end("{}"),
    );
    const port = await listen(server);
    try {
      const r = await checkIdpConnection(target(`https://127.0.0.1:${port}`));
      expect(r.cause).toMatch(/^TLS error: the server's certificate is self-signed at 127\.0\.0\.1:\d+/);
      expect(r.discovery.error).toMatch(/DEPTH_ZERO_SELF_SIGNED_CERT/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("an issuer mismatch is the cause only once the IdP was reached", async () => {
    let base = "";
    const server = createHttpServer((req, res) =>
      res.end(
        req.url === "/jwks" ? '{"keys":[]}' : JSON.stringify({ issuer: `${base}/other`, jwks_uri: `${base}/jwks` }),
      ),
    );
    base = `http://127.0.0.1:${await listen(server)}`;
    try {
      const r = await checkIdpConnection(target(base));
      expect(r.cause).toMatch(/^Issuer mismatch: /);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
