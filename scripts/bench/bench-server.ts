/**
 * One server of the enforcer benchmark, run as a child process (pinned to its own
 * core by the parent). Usage: `bench-server.ts <case>`; env BENCH_JWKS_URI.
 * Prints `LISTENING <port>` once ready. Every case answers the same JSON-RPC
 * result after reading and parsing the same body, so only the auth layer differs.
 */
import { createPublicKey, type JsonWebKeyInput, verify } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { requireBearerAuth } from "@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js";
import express from "express";
import { auth as jwtBearer } from "express-oauth2-jwt-bearer";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { createNodeHandler } from "../../lib/enforcer/adapters/node-http.js";
import { createEnforcer } from "../../lib/enforcer/enforcer.js";
import { EnforcerPolicy } from "../../lib/enforcer/policy.js";
import { BENCH_AUDIENCE, BENCH_ISSUER } from "./bench-keys.js";

const REPLY = '{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"hi"}]}}';
const jwksUri = process.env.BENCH_JWKS_URI ?? "";
const which = process.argv[2] ?? "bare";

function reply(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(REPLY) });
  res.end(REPLY);
}

function bare(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    JSON.parse(Buffer.concat(chunks).toString("utf8"));
    reply(res);
  });
}

/**
 * The cost of the signature alone inside an HTTP server: bare plus one raw `crypto.verify` (no claim checks).
 * In a tight loop a verification costs ~20 µs; interleaved with HTTP work, caches are colder and it costs more.
 */
async function bareVerify() {
  const jwks = (await (await fetch(jwksUri)).json()) as { keys: JsonWebKeyInput["key"][] };
  const key = createPublicKey({ key: jwks.keys[0] ?? {}, format: "jwk" });
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const token = (req.headers.authorization ?? "").slice("Bearer ".length);
      const dot = token.lastIndexOf(".");
      const signature = Buffer.from(token.slice(dot + 1), "base64url");
      if (!verify("sha256", Buffer.from(token.slice(0, dot)), key, signature)) {
        res.writeHead(401).end();
        return;
      }
      reply(res);
    });
  };
}

function portcullis(cache: boolean, coalesceVerifications = true) {
  const policy = EnforcerPolicy.parse({
    resource: { uri: "http://127.0.0.1/mcp", name: "bench" },
    idp: {
      kind: "oidc",
      issuers: [BENCH_ISSUER],
      jwksUri,
      audiences: [BENCH_AUDIENCE],
      authorizationServers: [BENCH_ISSUER],
    },
    tools: [{ name: "echo" }],
  });
  // Cache misses are forced by disabling the verified-token cache: every request pays the signature check.
  const enforcer = createEnforcer({
    policy,
    validatorOverrides: cache ? {} : { verifiedCacheSize: 0, coalesceVerifications },
  });
  return createNodeHandler(enforcer, (_req, res) => reply(res), { baseUrl: "http://127.0.0.1" });
}

function expressJwtBearer() {
  const app = express();
  const check = jwtBearer({ issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE, jwksUri, tokenSigningAlg: "RS256" });
  app.post("/mcp", express.json(), check, (_req, res) => reply(res));
  return app;
}

function expressSdkBearer() {
  const app = express();
  const jwks = createRemoteJWKSet(new URL(jwksUri));
  const verifier = {
    async verifyAccessToken(token: string) {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: BENCH_ISSUER,
        audience: BENCH_AUDIENCE,
        algorithms: ["RS256"],
      });
      return {
        token,
        clientId: String(payload.azp ?? ""),
        scopes: String(payload.scope ?? "").split(" "),
        expiresAt: payload.exp,
      };
    },
  };
  app.post("/mcp", express.json(), requireBearerAuth({ verifier, requiredScopes: ["mcp:tools"] }), (_req, res) =>
    reply(res),
  );
  return app;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const handlers: Record<string, () => Handler | Promise<Handler>> = {
  bare: () => bare,
  "bare-verify": bareVerify,
  "portcullis-miss": () => portcullis(false),
  "portcullis-miss-serial": () => portcullis(false, false),
  "portcullis-hit": () => portcullis(true),
  "express-jwt-bearer": expressJwtBearer,
  "express-sdk-bearer": expressSdkBearer,
};

const make = handlers[which];
if (!make) throw new Error(`unknown case ${which}`);
const handler = await make();
let served = 0;
const server = createServer((req, res) => {
  served++;
  handler(req, res);
});
// SIGUSR2: report CPU time used and requests served, so the parent can compute CPU µs per request over
// its measurement window (robust when other processes compete for the CPU, unlike wall-clock req/s).
process.on("SIGUSR2", () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`STATS ${user + system} ${served}\n`);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`LISTENING ${(server.address() as AddressInfo).port}\n`);
});
// Exit cleanly on SIGTERM so `node --cpu-prof` can write its profile when the parent stops this server.
process.on("SIGTERM", () => process.exit(0));
