/**
 * A crafted control-plane config API on 127.0.0.1 for the config client's tests: serves whatever
 * JWS the test sets (good, tampered, foreign, unsigned…), long-polls like the real one (If-None-Match
 * → hold until `publish` or `?wait=`), records heartbeats, and can go down. Test-only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CompactSign, exportJWK, generateKeyPair, type JWK } from "jose";
import type { ConfigBundle, EnforcerPolicy } from "../policy.js";

/** An ES256 signing key with its public JWK. @example const { publicJwk } = await createSigner("cp-1"); */
export interface TestSigner {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** @example const signer = await createSigner("cp-1"); */
export async function createSigner(kid: string): Promise<TestSigner> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" } };
}

/** @example const jws = await signBundle(signer, bundleFor(2, policy)); */
export async function signBundle(
  signer: TestSigner,
  payload: unknown,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: "ES256", kid: signer.kid, typ: "portcullis-config+jwt", ...header })
    .sign(signer.privateKey);
}

/** @example bundleFor(1, policy) */
export function bundleFor(version: number, policy: EnforcerPolicy, resourceId = "res-1"): ConfigBundle {
  return { version, resourceId, publishedAt: new Date().toISOString(), publishedBy: "test@example.test", policy };
}

/** A running crafted config server. @example server.mode = "down"; */
export interface ConfigServer {
  url: string;
  jws: string | undefined;
  etag: string | undefined;
  mode: "ok" | "down";
  requests: { ifNoneMatch: string | null; authorization: string | null }[];
  heartbeats: Record<string, unknown>[];
  /**
   * Signs the `x-portcullis-latest-version` announcement of every 200 (issue 10 #6); `undefined` sends none.
   * The announced version is `announcedVersion` when set, else the served bundle's own.
   */
  announcer: TestSigner | undefined;
  announcedVersion: number | undefined;
  /** Serve this JWS from now on and wake the waiting polls. */
  publish(jws: string, etag: string): void;
  close(): Promise<void>;
}

/** The signed announcement the real control plane sends with a bundle (lib/server/config/announce.ts). */
export async function signAnnouncement(signer: TestSigner, resourceId: string, version: number): Promise<string> {
  const payload = { resourceId, version, iat: Math.floor(Date.now() / 1000) };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: "ES256", kid: signer.kid, typ: "portcullis-latest+jwt" })
    .sign(signer.privateKey);
}

/** What a served JWS claims (best effort: a crafted one may claim nothing). */
function claimsOf(jws: string): { resourceId: string; version: number } {
  try {
    const p = JSON.parse(Buffer.from(jws.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
    return {
      resourceId: typeof p.resourceId === "string" ? p.resourceId : "res-1",
      version: typeof p.version === "number" ? p.version : 0,
    };
  } catch {
    return { resourceId: "res-1", version: 0 };
  }
}

/** @example const server = await startConfigServer({ announcer: signer }); server.publish(jws, '"v1"'); */
export async function startConfigServer(opts: { announcer?: TestSigner } = {}): Promise<ConfigServer> {
  const waiters = new Set<() => void>();
  const sockets = new Set<import("node:net").Socket>();
  const state: ConfigServer = {
    url: "",
    jws: undefined,
    etag: undefined,
    mode: "ok",
    announcer: opts.announcer,
    announcedVersion: undefined,
    requests: [],
    heartbeats: [],
    publish(jws, etag) {
      state.jws = jws;
      state.etag = etag;
      for (const wake of [...waiters]) wake();
    },
    close: async () => undefined,
  };
  function answer(req: IncomingMessage, res: ServerResponse): void {
    if (!state.jws || !state.etag) return void res.writeHead(404).end('{"error":{"code":"not_found"}}');
    const tags = (req.headers["if-none-match"] ?? "").split(",").map((t) => t.trim());
    if (!tags.includes(state.etag)) {
      const { jws, etag, announcer } = state;
      const claimed = claimsOf(jws);
      const announced = announcer
        ? signAnnouncement(announcer, claimed.resourceId, state.announcedVersion ?? claimed.version)
        : Promise.resolve(undefined);
      void announced.then((latest) => {
        const headers: Record<string, string> = { "content-type": "application/jose", etag };
        if (latest) headers["x-portcullis-latest-version"] = latest;
        res.writeHead(200, headers).end(jws);
      });
      return;
    }
    const wait = Number(new URL(req.url ?? "/", "http://x").searchParams.get("wait") ?? "30");
    const done = () => {
      clearTimeout(timer);
      waiters.delete(wake);
    };
    const wake = () => {
      done();
      answer(req, res);
    };
    const timer = setTimeout(() => {
      done();
      res.writeHead(304, { etag: state.etag ?? "" }).end();
    }, wait * 1000);
    waiters.add(wake);
    res.on("close", done);
  }
  const server: Server = createServer((req, res) => {
    if (state.mode === "down") return void res.writeHead(503).end("down");
    if (req.method === "POST" && req.url?.startsWith("/api/v1/enforcer/heartbeat")) {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        state.heartbeats.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      });
      return;
    }
    state.requests.push({
      ifNoneMatch: req.headers["if-none-match"] ?? null,
      authorization: req.headers.authorization ?? null,
    });
    answer(req, res);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}
