/**
 * The Express 5 adapter. Express requests and responses are Node's, so this is
 * the Node middleware plus the routing Express users expect: a router that serves
 * the RFC 9728 metadata paths wherever the protected route is mounted. No Express
 * import: the types are structural, so `lib/enforcer` stays dependency-free.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Enforcer } from "../types.js";
import {
  isMetadataRequest,
  type NodeAdapterOptions,
  type NodeMiddleware,
  serveMetadata,
  toNodeMiddleware,
} from "./node-http.js";

/**
 * Express middleware protecting the routes it is mounted on. Sets `req.auth` (MCP SDK `AuthInfo`),
 * `req.body` (the parsed JSON-RPC message, so `express.json()` is not needed) and `req.portcullis`.
 * If `express.json()` ran first, its parsed body is reused.
 *
 * @example
 * const app = express();
 * app.use(protectedResourceMetadataRouter(enforcer));
 * app.post("/mcp", expressEnforcer(enforcer), (req, res) => transport.handleRequest(req, res, req.body));
 */
export function expressEnforcer(enforcer: Enforcer, opts: NodeAdapterOptions = {}): NodeMiddleware {
  return toNodeMiddleware(enforcer, opts);
}

/**
 * Express middleware that answers the RFC 9728 metadata paths (`/.well-known/oauth-protected-resource[/path]`)
 * and passes every other request on. Mount it at the application root: clients look for the document there,
 * not under the MCP route (RFC 9728 §3.1).
 *
 * @example
 * app.use(protectedResourceMetadataRouter(enforcer, { baseUrl: "https://mcp.example.com" }));
 */
export function protectedResourceMetadataRouter(enforcer: Enforcer, opts: NodeAdapterOptions = {}): NodeMiddleware {
  return (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => {
    if (!isMetadataRequest(enforcer, req)) return next();
    serveMetadata(enforcer, req, res, opts).catch(next);
  };
}
