/**
 * `createEnforcer`: the Fetch-API core. One pipeline per request:
 * policy → query/Origin/Authorization checks → failed-auth lockout → token → JSON-RPC body →
 * method/tool decision → per-client rate limits → telemetry. Adapters (Node http, Express, the MCP
 * SDK) only translate to and from `Request`/`Response`.
 */
import { applyRateLimits, applyTokenRefreshLimit, checkLockout, recordFailedAuth } from "./enforcer-limits.js";
import { createPolicyStateResolver, type PolicyState } from "./enforcer-state.js";
import { EnforcerError, ReasonCode } from "./errors.js";
import { allowedToolNames, authorizeMessage } from "./mcp/authorize.js";
import { denialResponse } from "./mcp/denial.js";
import { type JsonRpcInfo, parseJsonRpc, readBodyLimited } from "./mcp/jsonrpc.js";
import { metadataResponse, protectedResourceMetadata } from "./mcp/metadata.js";
import { authorizeProtocol, checkProtocol, clientInfoOf, createProtocolState, observeResult } from "./mcp/protocol.js";
import {
  bearerTokenCandidate,
  checkBearerTokenShape,
  checkNoTokenInQuery,
  checkOrigin,
  corsHeaders,
  preflightResponse,
} from "./mcp/request-checks.js";
import { observeResponseResults, observesResults } from "./mcp/result-tap.js";
import { createSessionRegistry, MCP_HTTP_METHODS, requireMcpScope } from "./mcp/sessions.js";
import type { ProtectedResourceMetadata } from "./mcp/types.js";
import { createDecisionRecorder } from "./telemetry/decision.js";
import { noopSink } from "./telemetry/sink.js";
import type { DetailedValidation } from "./token/validator.js";
import type { AuthContext, Decision, Enforcer, EnforcerOptions, RequestParts } from "./types.js";

const DEFAULT_MAX_BODY = 1024 * 1024;

/** What a decision learned so far (for the telemetry event and the denial's JSON-RPC id). */
interface DecisionInfo {
  method?: string;
  tool?: string;
  id?: string | number | null;
  auth?: AuthContext;
  /** The client software's `clientInfo` (bounded, mcp/client-info.ts). */
  clientName?: string;
  clientVersion?: string;
}

/**
 * Creates the enforcer. A static policy is checked now (a bad one throws at startup); a getter is
 * read per request, and `undefined` from it fails closed with 503 `policy_unavailable`.
 *
 * @example
 * const enforcer = createEnforcer({ policy, sink, rateLimiter: createMemoryRateLimiter() });
 * export default { fetch: (req: Request) => enforcer.handle(req, (r, auth) => mcpServer.fetch(r, auth)) };
 */
export function createEnforcer(options: EnforcerOptions): Enforcer {
  const now = options.now ?? Date.now;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  if (!Number.isInteger(maxBody) || maxBody < 1) throw new TypeError("maxBodyBytes must be a positive integer");
  const getPolicy = typeof options.policy === "function" ? options.policy : constant(options.policy);
  const stateFor = createPolicyStateResolver({ sink: options.sink, now, overrides: options.validatorOverrides });
  if (typeof options.policy !== "function") stateFor(options.policy);

  function currentState(): PolicyState | undefined {
    const policy = getPolicy();
    return policy ? stateFor(policy) : undefined;
  }

  // No sink, or the no-op one: no decision event is built and no clock is read for telemetry.
  const sink = options.sink === noopSink ? undefined : options.sink;
  // One decision record per enforcer, refilled for every request (telemetry/decision.ts).
  const decisions = sink ? createDecisionRecorder(sink) : undefined;
  const limiter = options.rateLimiter;
  // Task owners, tools' header declarations, client-info cardinality: per enforcer (issue 22).
  const protocol = createProtocolState();
  // Issue 10 #5: an Mcp-Session-Id belongs to the principal that created it (`sessions: false` turns this off).
  const sessions = options.sessions === false ? undefined : createSessionRegistry({ now, ...options.sessions });

  async function authorize(request: Request): Promise<Decision> {
    return authorizeParts({
      method: request.method,
      url: request.url,
      header: (name) => request.headers.get(name),
      readBody: () => readBodyLimited(request, maxBody),
      clientAddress: options.clientAddress?.(request),
    });
  }

  // Written so that an allowed request without a rate limiter waits only where it must (the body): the
  // validator answers synchronously on a cache hit or with a cached key, and each optional step is awaited
  // only when it exists. The checks and their order are the same on every path.
  async function authorizeParts(request: RequestParts): Promise<Decision> {
    // One reading of the enforcer's clock: the verified-token cache and the JWKS freshness check judge the token
    // at it, and it stamps the decision (a timed decision also reads the monotonic clock, telemetry/decision.ts).
    const nowMs = now();
    const started = decisions ? decisions.start(nowMs) : -1;
    const info: DecisionInfo = {};
    let state: PolicyState | undefined;
    const origin = request.header("origin");
    try {
      state = safeState();
      if (!state) throw new EnforcerError(ReasonCode.PolicyUnavailable, "no policy is loaded");
      const { policy } = state;
      // Issue 13 #7: an archived resource answers nobody, whatever the token; checked first, it costs nothing.
      if (policy.archived) throw new EnforcerError(ReasonCode.ResourceArchived, "this MCP resource is archived");
      checkNoTokenInQuery(request.url);
      checkOrigin(origin, state.origins);
      // Streamable HTTP knows POST (messages), GET (the server's stream) and DELETE (end a session); nothing else.
      const method = request.method;
      if (method !== "POST" && method !== "GET" && method !== "DELETE") {
        throw new EnforcerError(ReasonCode.HttpMethodNotAllowed, `use ${MCP_HTTP_METHODS}`);
      }
      // A request without a bearer token stops here, before the lockout counter: every MCP client's first
      // (discovery) request carries none, and RFC 6750 §3.1 treats it as a challenge, not a failed attempt.
      const raw = bearerTokenCandidate(request.header("authorization"));
      // extractBearerToken's last check (no whitespace inside), skipped for a token the verified-token cache
      // holds: only tokens that passed the strict parser are in it. Same outcome, one scan less per hit.
      const hit = state.validator.peek(raw, nowMs);
      if (hit === undefined) checkBearerTokenShape(raw);
      const address = request.clientAddress;
      if (limiter) await checkLockout(limiter, policy, address);
      let validated: DetailedValidation;
      try {
        // After an await (the lockout check) the cache is asked again: a key may have left the JWKS meanwhile,
        // and the token is judged at a fresh reading.
        const pending =
          limiter === undefined ? (hit ?? state.validator.validateNow(raw, nowMs)) : state.validator.validateNow(raw);
        validated = pending instanceof Promise ? await pending : pending;
      } catch (err) {
        if (limiter && err instanceof EnforcerError && err.status === 401) {
          await recordFailedAuth(limiter, policy, address, options.sink, now);
        }
        throw err;
      }
      const auth: AuthContext = { token: validated.token, cacheHit: validated.cacheHit };
      info.auth = auth;
      if (limiter && !validated.cacheHit) {
        await applyTokenRefreshLimit(limiter, policy, validated.token, raw, options.sink, now);
      }
      // GET and DELETE carry no JSON-RPC method to authorize, but still need an MCP scope (issue 10 #5).
      if (method !== "POST") requireMcpScope(policy, validated.token);
      const sessionId = sessions ? request.header("mcp-session-id") : null;
      if (sessionId) sessions?.check(sessionId, validated.token);
      let body: string | undefined;
      if (request.method === "POST") {
        const text = request.readBody();
        body = typeof text === "string" ? text : await text;
        const rpc: JsonRpcInfo = parseJsonRpc(body);
        info.method = rpc.method;
        info.tool = rpc.toolName;
        info.id = rpc.id;
        auth.method = rpc.method;
        auth.tool = rpc.toolName;
        auth.message = rpc.message;
        if (rpc.id !== undefined && rpc.id !== null) auth.requestId = rpc.id;
        const header = (name: string) => request.header(name);
        const client = sink ? clientInfoOf(protocol, policy, rpc) : undefined;
        if (client) {
          info.clientName = client.name;
          info.clientVersion = client.version;
        }
        // Revision gate and 2026-07-28 header/body check first: a malformed request is a 400, never a step-up.
        checkProtocol(protocol, policy, header, rpc);
        authorizeMessage(policy, validated.token, rpc);
        authorizeProtocol(protocol, policy, validated.token, rpc);
        if (limiter) await applyRateLimits(limiter, policy, validated.token, rpc, options.sink, now);
      } else {
        // GET stream, DELETE (2025 sessions): the revision comes from MCP-Protocol-Version alone.
        checkProtocol(protocol, policy, (name) => request.header(name), undefined);
      }
      decisions?.record(state.policy.resource.uri, "allow", undefined, info, started, nowMs);
      return { allowed: true, auth, body };
    } catch (err) {
      if (!(err instanceof EnforcerError)) throw err;
      decisions?.record(state?.policy.resource.uri ?? "", "deny", err.code, info, started, nowMs);
      const allowedOrigin = origin !== null && state?.origins.has(origin) ? origin : null;
      // A 401 is decided before the body is read; its JSON-RPC error still answers the request's id (issue 20).
      if (err.status === 401 && info.id === undefined && request.method === "POST") {
        info.id = await refusedRequestId(request);
      }
      const response = denialResponse(err, {
        resourceMetadata: state?.resourceMetadata ?? "",
        id: info.id ?? null,
        headers:
          err.code === ReasonCode.HttpMethodNotAllowed
            ? { ...corsHeaders(allowedOrigin), allow: MCP_HTTP_METHODS }
            : corsHeaders(allowedOrigin),
        baselineScopes: state?.policy.baselineScopes,
      });
      return { allowed: false, error: err, response };
    }
  }

  async function handle(
    request: Request,
    next: (request: Request, auth: AuthContext) => Promise<Response>,
  ): Promise<Response> {
    const state = safeState();
    const origin = request.headers.get("origin");
    if (state && request.url.includes("/.well-known/") && state.metadataPaths.has(new URL(request.url).pathname)) {
      return metadataResponse(state.policy, request.method);
    }
    if (
      state &&
      request.method === "OPTIONS" &&
      origin !== null &&
      request.headers.has("access-control-request-method")
    ) {
      if (state.origins.has(origin)) return preflightResponse(origin);
    }
    const decision = await authorize(request);
    if (!decision.allowed) return decision.response;
    // The body was consumed to authorize it; the handler gets an identical request with the same text.
    const forward =
      decision.body === undefined
        ? request
        : new Request(request.url, {
            method: request.method,
            headers: request.headers,
            body: decision.body,
            signal: request.signal,
          });
    let response = await next(forward, decision.auth);
    // Before any filter: a tools/call may hand out a task handle, a tools/list declares tools' headers (issue 22).
    if (observesResults(decision.auth.method)) {
      response = observeResponseResults(response, (m) => enforcer.observeResult?.(decision.auth, m));
    }
    if (decision.auth.method === "initialize") bindSession(response.headers.get("mcp-session-id"), decision.auth);
    if (options.responseFilter) response = await options.responseFilter(response, decision.auth, enforcer);
    if (origin !== null && state?.origins.has(origin)) response = withHeaders(response, corsHeaders(origin));
    return response;
  }

  /** Records the principal of a session the server just created (the `initialize` response's Mcp-Session-Id). */
  function bindSession(sessionId: string | null | undefined, auth: AuthContext): void {
    if (sessions && sessionId) sessions.bind(sessionId, auth.token);
  }

  function safeState(): PolicyState | undefined {
    try {
      return currentState();
    } catch {
      return undefined;
    }
  }

  function requireState(): PolicyState {
    const state = currentState();
    if (!state) throw new EnforcerError(ReasonCode.PolicyUnavailable, "no policy is loaded");
    return state;
  }

  const enforcer: Enforcer = {
    authorize,
    authorizeParts,
    handle,
    bindSession,
    metadata: (): ProtectedResourceMetadata => protectedResourceMetadata(requireState().policy),
    metadataPaths: () => [...requireState().metadataPaths],
    allowedTools: (auth, toolNames) => {
      const policy = getPolicy();
      return policy ? allowedToolNames(policy, auth.token, toolNames) : [];
    },
    observeResult: (auth, message) => {
      const result = (message as { result?: unknown } | null)?.result;
      if (result !== undefined) observeResult(protocol, auth.token, auth.method, result);
    },
    get policy() {
      return getPolicy();
    },
  };
  return enforcer;
}

/** Bodies up to this size are parsed for the id of a 401's JSON-RPC error; larger ones answer `id: null`. */
const REFUSED_ID_MAX_BYTES = 64 * 1024;

/**
 * The JSON-RPC id of a refused request, read from its body: a string or number id, else null (no declared
 * `Content-Length` or a larger one, not JSON, a batch). Never throws: the refusal stands either way.
 */
async function refusedRequestId(request: RequestParts): Promise<string | number | null> {
  // Only a small declared body is read: a caller without a valid token cannot make us wait for or buffer more.
  const declared = Number(request.header("content-length") ?? Number.NaN);
  if (!(declared >= 0 && declared <= REFUSED_ID_MAX_BYTES)) return null;
  try {
    const text = request.readBody();
    const body = typeof text === "string" ? text : await text;
    if (body.length > REFUSED_ID_MAX_BYTES) return null;
    const id: unknown = (JSON.parse(body) as { id?: unknown } | null)?.id;
    return typeof id === "string" || typeof id === "number" ? id : null;
  } catch {
    return null;
  }
}

function constant<T>(value: T): () => T {
  return () => value;
}

/** Copies a response with extra headers (a fetched Response's headers are immutable). */
function withHeaders(response: Response, extra: Record<string, string>): Response {
  const headers = new Headers(response.headers);
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
