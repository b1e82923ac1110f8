/**
 * One authorization decision for a Node request. Two routes to the core:
 *
 * - `authorizeParts` (method, URL, a header lookup, a lazy body reader), when the
 *   enforcer offers it: no Fetch `Request` is built. On Node 20 constructing a
 *   `Request` with a body and reading it back costs ~15-25 µs, more than the whole
 *   decision on a verified-token cache hit; the body is also read only once the
 *   token is valid.
 * - otherwise `authorize(Request)`, with the body read first (bounded).
 */
import type { IncomingMessage } from "node:http";
import { denialResponse } from "../denial.js";
import { EnforcerError, ReasonCode } from "../errors.js";
import { resourceMetadataUrl } from "../metadata.js";
import type { Decision, Enforcer } from "../types.js";
import { type NodeAdapterOptions, readNodeBody } from "./node-request.js";

/**
 * A request as the core's header/body-level entry point takes it.
 *
 * @example
 * const parts: RequestParts = { method: "POST", url, header: (n) => lookup(n), readBody: async () => text };
 */
export interface RequestParts {
  method: string;
  url: string;
  /** A header value; repeated headers joined with ", " (so duplicate `Authorization` headers are detectable). */
  header(name: string): string | null;
  /** The body text, bounded; throws `EnforcerError(body_too_large)` past the limit. Called at most once. */
  readBody(): Promise<string>;
  /** The client's network address for the failed-auth lockout, when known. */
  clientAddress?: string;
}

/** An enforcer that may offer `authorizeParts`. */
type PartsEnforcer = Enforcer & { authorizeParts?: (parts: RequestParts) => Promise<Decision> };

const addresses = new WeakMap<Request, string>();

/**
 * The client address the Node adapter resolved (its `clientAddress` option) for a `Request` it built, for
 * `createEnforcer({ clientAddress: nodeClientAddress })` when the core authorizes Fetch requests.
 *
 * @example
 * const enforcer = createEnforcer({ policy, rateLimiter, clientAddress: nodeClientAddress });
 * const mw = toNodeMiddleware(enforcer, { clientAddress: (req) => req.socket.remoteAddress });
 */
export function nodeClientAddress(request: Request): string | undefined {
  return addresses.get(request);
}

/**
 * Builds a Fetch `Request`. Headers come from `rawHeaders`, not `req.headers`: Node keeps only the first of
 * duplicate `Authorization` headers there, and duplicates must be refused, not silently resolved.
 *
 * @example
 * const decision = await enforcer.authorize(toFetchRequest(req, "https://mcp.example.com/mcp", bodyText));
 */
export function toFetchRequest(req: IncomingMessage, url: string, body: string | undefined, address?: string): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  const request = new Request(url, { method: req.method ?? "GET", headers, body });
  if (address !== undefined) addresses.set(request, address);
  return request;
}

/** A header of a Node request, duplicates joined (Node drops duplicate `Authorization` values from `req.headers`). */
function nodeHeader(req: IncomingMessage, name: string): string | null {
  if (name !== "authorization") {
    const value = req.headers[name];
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
  }
  let found: string | null = null;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length === 13 && key.toLowerCase() === "authorization") {
      found = found === null ? (raw[i + 1] as string) : `${found}, ${raw[i + 1]}`;
    }
  }
  return found;
}

/**
 * Decides one Node request. `oversized` is true when the body exceeded `maxBody` (the caller closes the connection).
 *
 * @example
 * const { decision } = await decideNode(enforcer, req, url, opts, 1 << 20);
 */
export async function decideNode(
  enforcer: Enforcer,
  req: IncomingMessage,
  url: string,
  opts: NodeAdapterOptions,
  maxBody: number,
): Promise<{ decision: Decision; oversized: boolean }> {
  const address = opts.clientAddress?.(req);
  let oversized = false;
  const fast = (enforcer as PartsEnforcer).authorizeParts;
  if (fast) {
    const parts: RequestParts = {
      method: req.method ?? "GET",
      url,
      header: (name) => nodeHeader(req, name),
      readBody: async () => {
        const text = await readNodeBody(req, maxBody);
        if (text !== undefined) return text;
        oversized = true;
        throw new EnforcerError(ReasonCode.BodyTooLarge, `request body exceeds ${maxBody} bytes`);
      },
      clientAddress: address,
    };
    const decision = await fast.call(enforcer, parts);
    return { decision, oversized };
  }
  let body: string | undefined;
  if (req.method === "POST") {
    body = await readNodeBody(req, maxBody);
    if (body === undefined) {
      const policy = enforcer.policy;
      const error = new EnforcerError(ReasonCode.BodyTooLarge, `request body exceeds ${maxBody} bytes`);
      const response = denialResponse(error, { resourceMetadata: policy ? resourceMetadataUrl(policy) : "" });
      return { decision: { allowed: false, error, response }, oversized: true };
    }
  }
  return { decision: await enforcer.authorize(toFetchRequest(req, url, body, address)), oversized };
}
