/**
 * The Node `http` adapter: `(req, res, next)` middleware and a plain request
 * handler around the core. It asks the core for a decision (the body is read
 * once, bounded), and on allow hands the parsed message and the MCP SDK's
 * `AuthInfo` to the next handler; on deny it writes the core's response as is.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { corsHeaders, normalizeOrigins } from "../mcp/request-checks.js";
import { observesResults } from "../mcp/result-tap.js";
import { visibleToolsFor } from "../mcp/tools-filter.js";
import type { EnforcerPolicy } from "../policy.js";
import type { Decision, Enforcer } from "../types.js";
import { decideNode, NodeRequestParts, toFetchRequest } from "./node-decide.js";
import {
  type EnforcedRequest,
  type NodeAdapterOptions,
  requestTarget,
  requestUrl,
  toMcpAuthInfo,
  writeFetchResponse,
} from "./node-request.js";
import { tapNodeResults } from "./node-result-tap.js";
import { captureSessionId } from "./node-session.js";
import { filterNodeToolsList } from "./node-tools-filter.js";

export { nodeClientAddress, type RequestParts } from "./node-decide.js";
export type { EnforcedRequest, McpAuthInfo, NodeAdapterOptions } from "./node-request.js";

/** Connect-style middleware. @example server.on("request", (req, res) => mw(req, res, () => mcp(req, res))) */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

const DEFAULT_MAX_BODY = 1024 * 1024;

/**
 * Node `http` middleware: serves the RFC 9728 metadata paths, authorizes everything else, sets `req.auth`
 * (MCP SDK `AuthInfo`), `req.body` (the parsed JSON-RPC message) and `req.portcullis`, then calls `next()`.
 * `tools/list` responses written to `res` afterwards are filtered to the tools the token may call.
 *
 * @example
 * const mw = toNodeMiddleware(enforcer, { baseUrl: "https://mcp.example.com" });
 * createServer((req, res) => mw(req, res, (err) => (err ? res.writeHead(500).end() : transport.handleRequest(req, res, req.body))));
 */
export function toNodeMiddleware(enforcer: Enforcer, opts: NodeAdapterOptions = {}): NodeMiddleware {
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  if (!Number.isInteger(maxBody) || maxBody < 1) throw new TypeError("maxBodyBytes must be a positive integer");
  const filter = opts.filterToolsList ?? true;
  // `authorizeParts` is part of the interface, but an Enforcer written by hand (tests, wrappers) may lack it.
  const hasParts = typeof enforcer.authorizeParts === "function";

  async function run(req: EnforcedRequest, res: ServerResponse, next: (err?: unknown) => void): Promise<void> {
    if (isPreflight(req) || isMetadataRequest(enforcer, req)) return serveMetadata(enforcer, req, res, opts);
    const url = requestUrl(req, opts);
    let decision: Decision;
    let oversized: boolean;
    if (hasParts) {
      // The hot path: one await, no intermediate promise.
      const parts = new NodeRequestParts(req, url, opts.clientAddress?.(req), maxBody);
      decision = await enforcer.authorizeParts(parts);
      oversized = parts.oversized;
    } else {
      ({ decision, oversized } = await decideNode(enforcer, req, url, opts, maxBody));
    }
    if (!decision.allowed) {
      if (oversized) res.shouldKeepAlive = false; // do not spend time draining an oversized body
      await writeFetchResponse(res, decision.response);
      return;
    }
    const auth = decision.auth;
    const policy = enforcer.policy;
    const bearer = (req.headers.authorization ?? "").trim();
    req.auth = toMcpAuthInfo(bearer.slice(bearer.indexOf(" ") + 1).trim(), auth, policy?.resource.uri);
    req.portcullis = auth;
    // The core parsed the JSON-RPC message once; it is handed on as is (never parsed twice).
    if (decision.body !== undefined) req.body = auth.message ?? JSON.parse(decision.body);
    const origin = req.headers.origin;
    if (origin && policy && allowedOrigins(policy).has(origin)) {
      for (const [k, v] of Object.entries(corsHeaders(origin))) res.setHeader(k, v);
    }
    // Task handles a call hands out, header declarations of listed tools (issue 22). Wrapped before the filter,
    // whose restore() would otherwise drop this wrapper; it reads what the filter lets through.
    if (observesResults(auth.method) && enforcer.observeResult) {
      tapNodeResults(res, (message) => enforcer.observeResult?.(auth, message));
    }
    // Every SSE response is filtered, not only tools/list answers: GET + Last-Event-ID replays stored events
    // (a tools/list answer among them) on a request that names no method (issue 10 #4).
    if (filter) {
      const listing = auth.method === "tools/list";
      filterNodeToolsList(res, visibleToolsFor(enforcer, auth), undefined, !listing);
    }
    if (auth.method === "initialize" && enforcer.bindSession) captureSessionId(res, auth, enforcer);
    next();
  }

  return (req, res, next) => {
    run(req, res, next).catch(next);
  };
}

const originSets = new WeakMap<EnforcerPolicy, ReadonlySet<string>>();

/** The policy's normalized browser origins, computed once per policy object. */
function allowedOrigins(policy: EnforcerPolicy): ReadonlySet<string> {
  let set = originSets.get(policy);
  if (!set) {
    set = normalizeOrigins(policy.resource.allowedOrigins, policy.resource.uri);
    originSets.set(policy, set);
  }
  return set;
}

/**
 * A complete Node request listener: the enforcer in front of `handler`, which sees only allowed requests
 * (with `req.auth`, `req.body`, `req.portcullis`). Errors become a generic 500.
 *
 * @example
 * createServer(createNodeHandler(enforcer, (req, res) => transport.handleRequest(req, res, req.body))).listen(8080);
 */
export function createNodeHandler(
  enforcer: Enforcer,
  handler: (req: EnforcedRequest, res: ServerResponse) => unknown,
  opts: NodeAdapterOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const middleware = toNodeMiddleware(enforcer, opts);
  return (req, res) => {
    middleware(req, res, (err) => {
      if (err) return internalError(res);
      try {
        const result = handler(req, res);
        // Only a thenable needs a rejection handler (a synchronous handler costs no promise).
        if (isThenable(result)) Promise.resolve(result).catch(() => internalError(res));
      } catch {
        internalError(res);
      }
    });
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function isPreflight(req: IncomingMessage): boolean {
  return (
    req.method === "OPTIONS" &&
    req.headers.origin !== undefined &&
    req.headers["access-control-request-method"] !== undefined
  );
}

/**
 * True when the request targets one of the RFC 9728 metadata paths.
 *
 * @example
 * if (isMetadataRequest(enforcer, req)) return serveMetadata(enforcer, req, res);
 */
export function isMetadataRequest(enforcer: Enforcer, req: IncomingMessage): boolean {
  const target = requestTarget(req);
  if (!target.includes("/.well-known/")) return false;
  try {
    return enforcer.metadataPaths().includes(target.split("?")[0] ?? "");
  } catch {
    return false; // no policy: fall through to authorize, which answers 503 policy_unavailable
  }
}

/**
 * Answers a metadata request (or a CORS preflight) through the core, which owns those responses.
 *
 * @example
 * if (isMetadataRequest(enforcer, req)) await serveMetadata(enforcer, req, res);
 */
export async function serveMetadata(
  enforcer: Enforcer,
  req: IncomingMessage,
  res: ServerResponse,
  opts: NodeAdapterOptions = {},
): Promise<void> {
  await writeFetchResponse(
    res,
    await enforcer.handle(toFetchRequest(req, requestUrl(req, opts), undefined), notForwarded),
  );
}

async function notForwarded(): Promise<Response> {
  // handle() forwards only when a preflight's origin is refused and the request authorizes: never for a body-less OPTIONS.
  return new Response(null, { status: 204 });
}

/** Never leak internals: a generic JSON-RPC error (details belong in the server's logs). */
function internalError(res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32603, message: "Internal error" } });
  res.writeHead(500, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
}
