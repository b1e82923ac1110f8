/**
 * One authorization decision for a Node request. Two routes to the core:
 *
 * - `authorizeParts` (method, URL, a header lookup, a lazy body reader): no Fetch
 *   `Request` is built. On Node 20, constructing a `Request` with a body and reading it
 *   back costs tens of µs of CPU, more than the whole decision on a verified-token cache
 *   hit; the body is also read only once the token is valid.
 * - for an `Enforcer` without it (a hand-written one), `authorize(Request)`, with the
 *   body read first (bounded).
 */
import type { IncomingMessage } from "node:http";
import { EnforcerError, ReasonCode } from "../errors.js";
import { denialResponse } from "../mcp/denial.js";
import { resourceMetadataUrl } from "../mcp/metadata.js";
import type { Decision, Enforcer, RequestParts } from "../types.js";
import {
  bodyWithoutReading,
  bufferedBody,
  collectBody,
  type NodeAdapterOptions,
  readNodeBody,
} from "./node-request.js";

export type { RequestParts } from "../types.js";

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
    if (
      key.length === 13 &&
      (key === "Authorization" || key === "authorization" || key.toLowerCase() === "authorization")
    ) {
      found = found === null ? (raw[i + 1] as string) : `${found}, ${raw[i + 1]}`;
    }
  }
  return found;
}

/**
 * The {@link RequestParts} of a Node request: one object per request with its methods on the prototype (no
 * closures per request). `oversized` turns true when the body exceeded the limit (the caller then closes the
 * connection rather than drain the rest).
 *
 * @example
 * const parts = new NodeRequestParts(req, "https://mcp.example.com/mcp", undefined, 1 << 20);
 * const decision = await enforcer.authorizeParts(parts);
 */
export class NodeRequestParts implements RequestParts {
  readonly method: string;
  readonly url: string;
  readonly clientAddress: string | undefined;
  oversized = false;
  readonly #req: IncomingMessage;
  readonly #maxBody: number;

  constructor(req: IncomingMessage, url: string, clientAddress: string | undefined, maxBody: number) {
    this.#req = req;
    this.method = req.method ?? "GET";
    this.url = url;
    this.clientAddress = clientAddress;
    this.#maxBody = maxBody;
  }

  header(name: string): string | null {
    return nodeHeader(this.#req, name);
  }

  readBody(): string | Promise<string> {
    const req = this.#req;
    const early = bodyWithoutReading(req, this.#maxBody);
    if (early === undefined) throw this.#tooLarge();
    if (early !== null) return early;
    const buffered = this.#buffered();
    if (buffered !== null) return buffered;
    // Node emits the request when its headers are parsed and pushes the body bytes that arrived with them right
    // after; one microtask later a small body is complete in the buffer and is read without stream events.
    return Promise.resolve().then(() => this.#buffered() ?? this.#collect());
  }

  #buffered(): string | null {
    const text = bufferedBody(this.#req, this.#maxBody);
    if (text === undefined) throw this.#tooLarge();
    return text;
  }

  /** The stream path (a body still arriving, chunked encoding): one promise, settled from the stream callbacks. */
  #collect(): Promise<string> {
    return new Promise((resolve, reject) =>
      collectBody(
        this.#req,
        this.#maxBody,
        resolve,
        () => reject(this.#tooLarge()),
        // An aborted upload is the client's problem, not a 500 (as for the Fetch core's body reader).
        (cause) => reject(new EnforcerError(ReasonCode.RequestMalformed, "request body could not be read", { cause })),
      ),
    );
  }

  #tooLarge(): EnforcerError {
    this.oversized = true;
    return new EnforcerError(ReasonCode.BodyTooLarge, `request body exceeds ${this.#maxBody} bytes`);
  }
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
  // `authorizeParts` is part of the interface, but an Enforcer written by hand (tests, wrappers) may lack it.
  if (typeof enforcer.authorizeParts === "function") {
    const parts = new NodeRequestParts(req, url, address, maxBody);
    const decision = await enforcer.authorizeParts(parts);
    return { decision, oversized: parts.oversized };
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
  return { decision: await enforcer.authorize(toFetchRequest(req, url, body, address)), oversized: false };
}
