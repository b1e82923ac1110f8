/**
 * Which MCP protocol revision a request speaks, and whether this resource accepts it (issue 22).
 *
 * Two eras share one endpoint:
 * - 2025-06-18 / 2025-11-25 (legacy): `initialize` carries the version in `params.protocolVersion`; every later
 *   request carries it in `MCP-Protocol-Version`. A request without the header counts as 2025-03-26 (transport
 *   spec, "Protocol Version Header").
 * - 2026-07-28 (modern, stateless): every request carries `_meta["io.modelcontextprotocol/protocolVersion"]`,
 *   mirrored in `MCP-Protocol-Version`; the body is authoritative (a proxy stripping a header must not change the
 *   era) and `mcp/headers.ts` cross-checks the headers.
 * A revision the resource does not accept is refused with the 2026-07-28 `UnsupportedProtocolVersionError` shape:
 * 400, JSON-RPC -32022, `data: { supported, requested }`.
 */
import { EnforcerError, ReasonCode } from "../errors.js";
import { type EnforcerPolicy, PROTOCOL_REVISIONS } from "../policy.js";
import type { JsonRpcInfo } from "./jsonrpc.js";

/** The first revision of the stateless era. */
export const MODERN_REVISION = "2026-07-28";
/** What a request without `MCP-Protocol-Version` speaks (2025-06-18 introduced the header). */
export const HEADERLESS_REVISION = "2025-03-26";
/** `_meta` key of the per-request protocol version (2026-07-28). */
export const PROTOCOL_VERSION_META = "io.modelcontextprotocol/protocolVersion";

/** The revision of one request. @example resolveRevision(policy, "POST", header, rpc).modern // true */
export interface RevisionInfo {
  /** The revision the request claims (body first, then header, then the headerless default). */
  revision: string;
  /** True for the stateless era: the request must carry the 2026-07-28 headers and envelope. */
  modern: boolean;
  /** The `_meta` protocol version of the body, when present. */
  envelope: string | undefined;
}

/**
 * The revisions a policy accepts, oldest first.
 *
 * @example
 * acceptedRevisions(policy) // ["2025-06-18", "2025-11-25", "2026-07-28"]
 */
export function acceptedRevisions(policy: EnforcerPolicy): string[] {
  const oldest = policy.protocol?.oldestRevision ?? "2025-06-18";
  return PROTOCOL_REVISIONS.filter((r) => r >= oldest);
}

/** The request's `params._meta` object, when it has one. */
export function requestMeta(rpc: JsonRpcInfo | undefined): Record<string, unknown> | undefined {
  const params = rpc?.message.params;
  if (params === null || typeof params !== "object") return undefined;
  const meta = (params as { _meta?: unknown })._meta;
  return meta !== null && typeof meta === "object" && !Array.isArray(meta)
    ? (meta as Record<string, unknown>)
    : undefined;
}

/**
 * Resolves and gates the revision of one request; throws `unsupported_protocol_version` when the resource does
 * not accept it. `rpc` is the parsed body of a POST (undefined for GET, DELETE and other body-less requests).
 *
 * @example
 * const { modern } = resolveRevision(policy, "POST", (n) => headers.get(n), parseJsonRpc(body));
 */
export function resolveRevision(
  policy: EnforcerPolicy,
  header: (name: string) => string | null,
  rpc: JsonRpcInfo | undefined,
): RevisionInfo {
  const accepted = acceptedRevisions(policy);
  const raw = requestMeta(rpc)?.[PROTOCOL_VERSION_META];
  const envelope = raw === undefined ? undefined : typeof raw === "string" ? raw : JSON.stringify(raw);
  const headerValue = header("mcp-protocol-version")?.trim() || undefined;
  if (envelope !== undefined) {
    // The envelope exists only from 2026-07-28 on: a 2025 revision delivered this way is not one we serve.
    if (envelope < MODERN_REVISION || !accepted.includes(envelope)) throw unsupported(envelope, accepted);
    return { revision: envelope, modern: true, envelope };
  }
  if (rpc?.method === "initialize" && headerValue === undefined) {
    // The handshake negotiates: an offer newer than we know is answered by the server with one it speaks (and
    // that one is gated on the next request); an offer older than the oldest accepted revision is refused.
    const offered = (rpc.message.params as { protocolVersion?: unknown } | undefined)?.protocolVersion;
    const revision = typeof offered === "string" ? offered : HEADERLESS_REVISION;
    const oldest = accepted[0] ?? MODERN_REVISION;
    if (revision < oldest) throw unsupported(revision, accepted);
    return { revision, modern: false, envelope };
  }
  const revision = headerValue ?? HEADERLESS_REVISION;
  if (!accepted.includes(revision)) throw unsupported(revision, accepted);
  // A modern header without the envelope: the header/body check refuses it (it must not skip validation).
  return { revision, modern: revision >= MODERN_REVISION, envelope };
}

function unsupported(requested: string, supported: string[]): EnforcerError {
  const shown = requested.length > 40 ? `${requested.slice(0, 40)}…` : requested;
  return new EnforcerError(
    ReasonCode.UnsupportedProtocolVersion,
    `Unsupported protocol version: ${shown} (supported: ${supported.join(", ")})`,
    { rpcData: { supported, requested: shown } },
  );
}
