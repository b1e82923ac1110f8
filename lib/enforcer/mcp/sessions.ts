/**
 * MCP sessions bound to the principal that created them (issue 10 #5). Streamable HTTP (MCP 2025-06-18 and
 * 2025-11-25) names a session by the `Mcp-Session-Id` the server returns with `initialize`; the SDK trusts the
 * id alone, so without this one user's token worked on another user's session. The enforcer records
 * (issuer, subject, client) when a session is created and refuses any other principal on it with 403
 * `session_mismatch`. A session it has not seen created (another instance, a restart, evicted) is bound to the
 * first principal that uses it: the id is a secret only its creator received.
 *
 * Memory is bounded: at most `maxSessions` entries (least recently used evicted first), each forgotten after
 * `idleTtlSec` without a request.
 */
import { EnforcerError, ReasonCode } from "../errors.js";
import { DEFAULT_METHOD_SCOPES, type EnforcerPolicy } from "../policy.js";
import type { ValidatedToken } from "../token/types.js";

/** HTTP methods of the Streamable HTTP transport; anything else is answered 405. */
export const MCP_HTTP_METHODS = "GET, POST, DELETE";

/** Options of {@link createSessionRegistry}. @example createSessionRegistry({ maxSessions: 10_000, idleTtlSec: 3600 }) */
export interface SessionRegistryOptions {
  /** Sessions remembered at most (least recently used evicted). Default 50,000 (about 10 MB). */
  maxSessions?: number;
  /** A session unused this long is forgotten, seconds. Default 86,400. */
  idleTtlSec?: number;
  now?: () => number;
}

/**
 * Session → principal bindings.
 *
 * @example
 * const sessions = createSessionRegistry();
 * sessions.bind(sessionId, token); // on the initialize response
 * sessions.check(sessionId, token); // on every later request: throws session_mismatch for another principal
 */
export interface SessionRegistry {
  bind(sessionId: string, token: ValidatedToken): void;
  check(sessionId: string, token: ValidatedToken): void;
  forget(sessionId: string): void;
  readonly size: number;
}

// A token served from the verified-token cache is the same object on every request: its key is built once.
const principals = new WeakMap<ValidatedToken, string>();

function principalOf(token: ValidatedToken): string {
  let principal = principals.get(token);
  if (principal === undefined) {
    const iss = typeof token.claims.iss === "string" ? token.claims.iss : "";
    principal = JSON.stringify([iss, token.subject, token.clientId ?? null]);
    principals.set(token, principal);
  }
  return principal;
}

/** Creates a {@link SessionRegistry}. @example const sessions = createSessionRegistry({ maxSessions: 1000 }); */
export function createSessionRegistry(opts: SessionRegistryOptions = {}): SessionRegistry {
  const max = opts.maxSessions ?? 50_000;
  const ttlMs = (opts.idleTtlSec ?? 86_400) * 1000;
  const now = opts.now ?? Date.now;
  if (!Number.isInteger(max) || max < 1) throw new TypeError("sessions.maxSessions must be a positive integer");
  if (!(ttlMs > 0)) throw new TypeError("sessions.idleTtlSec must be positive");
  // Map order is recency order: a touched entry is re-inserted at the end, eviction takes the first.
  const entries = new Map<string, { principal: string; seenAt: number }>();

  function put(sessionId: string, principal: string, at: number): void {
    entries.delete(sessionId);
    entries.set(sessionId, { principal, seenAt: at });
    while (entries.size > max) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
  }

  return {
    bind(sessionId, token) {
      put(sessionId, principalOf(token), now());
    },
    check(sessionId, token) {
      const at = now();
      const principal = principalOf(token);
      const entry = entries.get(sessionId);
      if (entry && at - entry.seenAt <= ttlMs && entry.principal !== principal) {
        throw new EnforcerError(ReasonCode.SessionMismatch, "this MCP session belongs to another principal");
      }
      put(sessionId, principal, at);
    },
    forget(sessionId) {
      entries.delete(sessionId);
    },
    get size() {
      return entries.size;
    },
  };
}

const mcpScopeSets = new WeakMap<EnforcerPolicy, { all: ReadonlySet<string>; first: string | undefined }>();

/**
 * A `GET` (the server's event stream, resumption) or `DELETE` (end the session) carries no JSON-RPC method to
 * authorize; it still needs one MCP scope: one the policy advertises or requires for some method. A token
 * with only `openid` could otherwise end sessions. Throws 403 `insufficient_scope`.
 *
 * @example
 * if (method === "GET" || method === "DELETE") requireMcpScope(policy, token);
 */
export function requireMcpScope(policy: EnforcerPolicy, token: ValidatedToken): void {
  let set = mcpScopeSets.get(policy);
  if (!set) {
    const all = new Set<string>(policy.scopesSupported);
    for (const rule of [...Object.values(policy.methods), ...Object.values(DEFAULT_METHOD_SCOPES)]) {
      for (const s of rule.anyOf) all.add(s);
    }
    set = { all, first: policy.scopesSupported[0] ?? all.values().next().value };
    mcpScopeSets.set(policy, set);
  }
  if (set.all.size === 0 || token.scopes.some((s) => set.all.has(s))) return;
  throw new EnforcerError(ReasonCode.InsufficientScope, `requires an MCP scope such as ${set.first}`, {
    requiredScopes: set.first ? [set.first] : [],
  });
}
