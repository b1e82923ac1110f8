import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { API_HSTS, API_SECURITY_HEADERS } from "../http/api-headers";
import { type ConfigReply, type ConfigRequest, enforcerErrorReply, serveConfig } from "./config-poll";

/**
 * `GET /api/v1/enforcer/config` straight from node:http, before Next's router (issue 17): after a publish
 * the whole fleet's answers and next long-polls go through here, and Next's per-request work (adapting the
 * request, routing, the response pipeline) was most of the control plane's cost per waiting enforcer. The
 * API is the same code as the route handler (config-poll.ts: authentication, long-poll, shared reads,
 * errors); this only adapts the transport and adds the static /api headers next.config.ts adds.
 *
 * scripts/serve.mjs calls it (instrumentation.ts registers it at start, see CONFIG_FAST_PATH), after its
 * own stamping (request id, peer address) and under its timeouts. Only an exact GET of the path comes
 * here; anything else (HEAD, a trailing slash, other methods) goes to Next as before.
 */
export const CONFIG_API_PATH = "/api/v1/enforcer/config";

/** The `globalThis` key under which instrumentation.ts leaves the handler for scripts/serve.mjs. */
export const CONFIG_FAST_PATH = Symbol.for("portcullis.configFastPath");

function headerGetter(req: IncomingMessage): ConfigRequest["headers"] {
  return {
    get(name) {
      const value = req.headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

/**
 * Writes an enforcer-API reply on a node:http response, with the static /api headers next.config.ts adds for
 * Next's answers (shared with heartbeat-node.ts). @example writeReply(req, res, enforcerErrorReply(err, null))
 */
export function writeReply(req: IncomingMessage, res: ServerResponse, reply: ConfigReply): void {
  if (res.destroyed || res.writableEnded) return; // the client went away while the poll waited
  for (const { key, value } of API_SECURITY_HEADERS) res.setHeader(key, value);
  if (req.headers["x-forwarded-proto"] === "https") res.setHeader(API_HSTS.key, API_HSTS.value);
  for (const [key, value] of Object.entries(reply.headers)) res.setHeader(key, value);
  if (reply.body === null) {
    res.writeHead(reply.status).end();
    return;
  }
  res.setHeader("content-length", Buffer.byteLength(reply.body));
  res.writeHead(reply.status).end(reply.body);
}

/**
 * Answers one config request on a node:http response. Never throws: errors are the API's JSON errors.
 * @example if (req.method === "GET" && pathname === CONFIG_API_PATH) return handleConfigRequest(req, res);
 */
export async function handleConfigRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const gone = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) gone.abort();
  });
  req.resume(); // a GET's body, if a client sent one, is not read: drain it so the connection can be reused
  const headers = headerGetter(req);
  const request: ConfigRequest = { url: `http://control-plane${req.url ?? "/"}`, headers, signal: gone.signal };
  let reply: ConfigReply;
  try {
    reply = await serveConfig(request);
  } catch (err) {
    reply = enforcerErrorReply(err, headers.get("x-request-id"));
  }
  writeReply(req, res, reply);
}
