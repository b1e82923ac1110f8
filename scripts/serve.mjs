#!/usr/bin/env node
/**
 * The HTTP server in front of Next (`npm start` runs it; `node scripts/serve.mjs --dev` for development).
 * It is the one place that sees the socket, so before Next reads a request it stamps, from the
 * connection itself and after deleting whatever the client sent under these names:
 * - `x-portcullis-peer`: the socket's peer address (lib/server/request-context.ts decides the client
 *   address from it and, with TRUST_PROXY=true, from the last X-Forwarded-For hop);
 * - `x-request-id`: a fresh id generated here (also sent back); a client-sent X-Request-Id survives only
 *   as `x-client-request-id`, a labelled field of the logs, never as the id of the audit row.
 * It also times out slow requests (issue 10 §7): headers within HTTP_HEADERS_TIMEOUT_MS (default 10 s)
 * and the whole request, body included, within HTTP_REQUEST_TIMEOUT_MS (default 30 s); Node answers
 * 408 and closes the connection. Long-polls are not affected: the timer stops once the request is read.
 *
 * One path skips Next's router: `GET /api/v1/enforcer/config`, the enforcers' config long-poll, which a
 * publish turns into one answer and one new request per enforcer of the fleet (issue 17). Once
 * instrumentation.ts has registered its handler (lib/server/enforcers/config-poll-node.ts: the same code as
 * the route handler), it answers that exact path and method; everything else, and that path before
 * registration, goes to Next.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import next from "next";

const dev = process.argv.includes("--dev");
process.env.NODE_ENV ??= dev ? "development" : "production"; // as `next start` / `next dev` would
const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOST || "0.0.0.0";
const ms = (name, fallback) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,100}$/;
// The same two values as lib/server/enforcers/config-poll-node.ts exports (this file is plain JavaScript).
const CONFIG_API_PATH = "/api/v1/enforcer/config";
const CONFIG_FAST_PATH = Symbol.for("portcullis.configFastPath");

// And lib/server/enforcers/heartbeat-node.ts's.
const HEARTBEAT_API_PATH = "/api/v1/enforcer/heartbeat";
const HEARTBEAT_FAST_PATH = Symbol.for("portcullis.heartbeatFastPath");

/**
 * The registered handler of the enforcer API this request is for (an exact GET of the config path, with or
 * without a query; an exact POST of the heartbeat path), else undefined: everything else goes to Next.
 */
function enforcerApiHandler(req) {
  if (req.method === "POST" && req.url === HEARTBEAT_API_PATH) {
    const heartbeat = globalThis[HEARTBEAT_FAST_PATH];
    return typeof heartbeat === "function" ? heartbeat : undefined;
  }
  const handler = globalThis[CONFIG_FAST_PATH];
  if (typeof handler !== "function" || req.method !== "GET" || !req.url?.startsWith(CONFIG_API_PATH)) return;
  const rest = req.url.slice(CONFIG_API_PATH.length);
  return rest === "" || rest.startsWith("?") ? handler : undefined;
}

function stamp(req, res) {
  const sent = req.headers["x-request-id"];
  delete req.headers["x-request-id"];
  delete req.headers["x-client-request-id"];
  delete req.headers["x-portcullis-peer"];
  if (typeof sent === "string" && CLIENT_ID.test(sent)) req.headers["x-client-request-id"] = sent;
  const id = randomUUID();
  req.headers["x-request-id"] = id;
  res.setHeader("x-request-id", id);
  const peer = req.socket.remoteAddress;
  if (peer) req.headers["x-portcullis-peer"] = peer;
}

const app = next({ dev, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

// Check for expired requests every second (Node's default is every 30 s, which would stretch the timeouts).
const server = createServer({ connectionsCheckingInterval: 1_000 }, (req, res) => {
  stamp(req, res);
  const direct = enforcerApiHandler(req);
  if (direct) direct(req, res).catch(() => res.destroy());
  else handle(req, res);
});
server.headersTimeout = ms("HTTP_HEADERS_TIMEOUT_MS", 10_000);
server.requestTimeout = ms("HTTP_REQUEST_TIMEOUT_MS", 30_000);
// Idle keep-alive connections stay open longer than clients and proxies reuse them (Node's default of 5 s lets a
// client send its next request on a socket the server is closing at that moment: ECONNRESET, not retried).
server.keepAliveTimeout = ms("HTTP_KEEP_ALIVE_TIMEOUT_MS", 65_000);
server.listen(port, hostname, () => {
  console.log(`Portcullis: listening on ${hostname}:${port}${dev ? " (development)" : ""}`);
});
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
