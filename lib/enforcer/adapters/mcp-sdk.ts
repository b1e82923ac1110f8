/**
 * A wrapper for the MCP TypeScript SDK's Streamable HTTP transport
 * (`StreamableHTTPServerTransport` from `@modelcontextprotocol/sdk/server/streamableHttp.js`):
 * the enforcer authorizes, then the transport handles the request with `req.auth`
 * set, so SDK tool handlers see `extra.authInfo`. Typed structurally: no SDK import.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Enforcer } from "../types.js";
import { type EnforcedRequest, type NodeAdapterOptions, toNodeMiddleware } from "./node-http.js";

/**
 * The part of the SDK's `StreamableHTTPServerTransport` this wrapper uses.
 *
 * @example
 * const transport: StreamableHttpTransportLike = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID() });
 */
export interface StreamableHttpTransportLike {
  handleRequest(req: EnforcedRequest, res: ServerResponse, parsedBody?: unknown): Promise<void>;
  close?(): Promise<void>;
}

/**
 * Options of {@link protectStreamableHttp}: one long-lived transport (stateful servers) or one per request (stateless).
 *
 * @example
 * const opts: ProtectStreamableHttpOptions = { enforcer, transport, baseUrl: "https://mcp.example.com" };
 */
export type ProtectStreamableHttpOptions = NodeAdapterOptions & { enforcer: Enforcer } & (
    | { transport: StreamableHttpTransportLike; createTransport?: never }
    | {
        /** Called per allowed request; the transport is closed when the response closes (SDK stateless mode). */
        createTransport: (req: EnforcedRequest) => StreamableHttpTransportLike | Promise<StreamableHttpTransportLike>;
        transport?: never;
      }
  );

/**
 * Returns a Node request listener: the enforcer in front of the SDK transport.
 *
 * @example
 * // Stateless: a fresh server and transport per request, as the SDK recommends.
 * const listener = protectStreamableHttp({
 *   enforcer,
 *   createTransport: async () => {
 *     const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
 *     await buildMcpServer().connect(transport);
 *     return transport;
 *   },
 * });
 * createServer(listener).listen(8080);
 */
export function protectStreamableHttp(
  opts: ProtectStreamableHttpOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const middleware = toNodeMiddleware(opts.enforcer, opts);
  const authorize = (req: IncomingMessage, res: ServerResponse) =>
    new Promise<boolean>((resolve, reject) => {
      // The middleware either answers (deny, metadata) and never calls next, or calls next once.
      res.once("finish", () => resolve(false));
      res.once("close", () => resolve(false));
      middleware(req, res, (err) => (err ? reject(err) : resolve(true)));
    });

  return async (req, res) => {
    try {
      if (!(await authorize(req, res))) return;
      const enforced = req as EnforcedRequest;
      const transport = opts.transport ?? (await opts.createTransport(enforced));
      if (!opts.transport) res.once("close", () => void transport.close?.());
      await transport.handleRequest(enforced, res, enforced.body);
    } catch {
      internalError(res);
    }
  };
}

/** A generic JSON-RPC 500 (details belong in the server's own logs, not in the response). */
function internalError(res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32603, message: "Internal error" } });
  res.writeHead(500, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
}
