/**
 * Keys, tokens and the JWKS endpoint shared by the enforcer benchmark's two sides.
 * One RS256 key (2048 bits, what Entra, Okta and Auth0 sign with); tokens signed
 * with `node:crypto` so minting 1,000 of them takes milliseconds.
 */
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { createServer, type Server } from "node:http";

export const BENCH_ISSUER = "https://idp.bench.test/";
export const BENCH_AUDIENCE = "api://portcullis-bench";
export const BENCH_KID = "bench-key-1";
export const MCP_BODY =
  '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}';

export interface BenchKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicPem: string;
  jwks: { keys: Record<string, unknown>[] };
}

/** A fresh RS256 key pair (the server child gets only the public part, through the JWKS). */
export function createBenchKeys(): BenchKeys {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return fromKeys(privateKey, publicKey);
}

function fromKeys(privateKey: KeyObject, publicKey: KeyObject): BenchKeys {
  const jwk = { ...publicKey.export({ format: "jwk" }), kid: BENCH_KID, alg: "RS256", use: "sig" };
  return {
    privateKey,
    publicKey,
    publicPem: publicKey.export({ format: "pem", type: "spki" }).toString(),
    jwks: { keys: [jwk] },
  };
}

/** Mints `count` distinct access tokens (distinct `jti`), valid for an hour. */
export function mintTokens(keys: BenchKeys, count: number): string[] {
  const nowSec = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT", kid: BENCH_KID })).toString("base64url");
  return Array.from({ length: count }, (_, i) => {
    const payload = {
      iss: BENCH_ISSUER,
      aud: BENCH_AUDIENCE,
      sub: `user-${i}`,
      azp: "bench-client",
      scope: "mcp:tools",
      iat: nowSec,
      nbf: nowSec,
      exp: nowSec + 3600,
      jti: `bench-${i}-${nowSec}`,
    };
    const input = `${header}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
    return `${input}.${sign("sha256", Buffer.from(input), keys.privateKey).toString("base64url")}`;
  });
}

/** Serves the JWKS on loopback (fetched once by each verifier, then cached). */
export async function serveJwks(keys: BenchKeys): Promise<{ server: Server; jwksUri: string }> {
  const body = JSON.stringify(keys.jwks);
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { server, jwksUri: `http://127.0.0.1:${port}/jwks` };
}
