/**
 * Portcullis enforcer: the public entry point (`portcullis/enforcer`), the one public surface.
 *
 * @example
 * import { createEnforcer, EnforcerPolicy } from "portcullis/enforcer";
 * const enforcer = createEnforcer({ policy: EnforcerPolicy.parse(json) });
 * const response = await enforcer.handle(request, (req, auth) => mcpHandler(req, auth));
 *
 * Grouped by room: the contracts and the core at the top level, then one folder per concern.
 */

// adapters/: Node http, Express, MCP SDK transport
export { expressEnforcer, protectedResourceMetadataRouter } from "./adapters/express.js";
export {
  type ProtectStreamableHttpOptions,
  protectStreamableHttp,
  type StreamableHttpTransportLike,
} from "./adapters/mcp-sdk.js";
export {
  createNodeHandler,
  type EnforcedRequest,
  isMetadataRequest,
  type McpAuthInfo,
  type NodeAdapterOptions,
  type NodeMiddleware,
  nodeClientAddress,
  serveMetadata,
  toNodeMiddleware,
} from "./adapters/node-http.js";
export { filterNodeToolsList } from "./adapters/node-tools-filter.js";
// config/: the config client
export { type ConfigClient, type ConfigClientOptions, createConfigClient } from "./config/client.js";
export { ConfigRejection, type ConfigRejectionCode } from "./config/verify.js";
// The core: the Fetch pipeline
export { createEnforcer } from "./enforcer.js";
// Contracts: reason codes and errors, the policy schema, the core's types
export * from "./errors.js";
// limits/: rate limiting (memory, Redis)
export {
  createMemoryRateLimiter,
  createRedisRateLimiter,
  type MemoryRateLimiterOptions,
  type RateLimitResult,
  type RedisLike,
  type RedisRateLimiterOptions,
} from "./limits/rate-limit.js";
export type * from "./limits/types.js";
// mcp/: JSON-RPC reading, method/tool authorization, tools/list filtering, request checks, denials, RFC 9728 metadata
export { allowedToolNames, authorizeMessage, methodRule, missingToolScopes } from "./mcp/authorize.js";
export { type DenialOptions, denialResponse } from "./mcp/denial.js";
export { type JsonRpcInfo, parseJsonRpc, readBodyLimited } from "./mcp/jsonrpc.js";
export { metadataPaths, metadataResponse, protectedResourceMetadata, resourceMetadataUrl } from "./mcp/metadata.js";
export { checkNoTokenInQuery, checkOrigin, extractBearerToken } from "./mcp/request-checks.js";
export {
  type AllowedNames,
  bodyKind,
  createSseToolsRewriter,
  describeNeededScopes,
  filterToolsListJson,
  filterToolsListMessage,
  filterToolsListResponse,
  type SseToolsRewriter,
  type ToolsFilterOptions,
  toolsListFilter,
  type VisibleTools,
  visibleToolsFor,
} from "./mcp/tools-filter.js";
export type * from "./mcp/types.js";
export {
  createOboClient,
  isConsentRequired,
  type OboClient,
  type OboClientCredentials,
  type OboClientOptions,
  OboConsentRequiredError,
  type OboDownstreamConfig,
  OboError,
  type OboErrorCode,
  type OboToken,
} from "./obo/client.js";
// obo/: on-behalf-of token exchange
export {
  DEFAULT_OBO_ENV_PREFIX,
  type OboCredentialOptions,
  oboCredentialsFromPolicy,
  type SecretSource,
} from "./obo/credentials.js";
export { idpOrigins } from "./obo/endpoint-guard.js";
export * from "./policy.js";
export { encodeTelemetryBatch } from "./telemetry/batch.js";
export {
  createTelemetryClient,
  fanOutSink,
  MAX_TELEMETRY_BATCH,
  type TelemetryClient,
  type TelemetryClientOptions,
  type TelemetryClock,
  type TelemetryStats,
} from "./telemetry/client.js";
// telemetry/: the telemetry client, batches and wire format, sinks, Prometheus metrics
export {
  createEnforcerMetrics,
  type EnforcerMetrics,
  type EnforcerMetricsOptions,
  TELEMETRY_LATENCY_BUCKETS_MS,
} from "./telemetry/metrics.js";
export { createRecordingSink, noopSink, type RecordingSink, safeEmit } from "./telemetry/sink.js";
export { backoffDelay, realClock, retryAfterMs, sendOutcome } from "./telemetry/transport.js";
export type * from "./telemetry/types.js";
export { type DecisionColumns, decodeDecisionColumns } from "./telemetry/wire.js";
// token/: JWS parsing and verification, JWKS cache, key import, IdP claim profiles, the validator, the verified-token cache
export { type NormalizedClaims, normalizeClaims, readWordList } from "./token/claim-profiles.js";
export { type ImportedKey, importVerificationKey, selectKey } from "./token/jwk-import.js";
export { createJwksCache, type JwksCache, type JwksCacheOptions } from "./token/jwks-cache.js";
export {
  decodeBase64Url,
  type JwsHeader,
  type ParsedJws,
  parseCompactJws,
  verifyCompactJws,
  verifyJwsSignature,
} from "./token/jws-verify.js";
export type * from "./token/types.js";
export { checkTokenType, createTokenValidator, type DetailedTokenValidator } from "./token/validator.js";
export { checkTokenClaims, type ResolvedValidatorOptions, resolveValidatorOptions } from "./token/validator-options.js";
export { createVerifiedTokenCache, type VerifiedTokenCache } from "./token/verified-cache.js";
export type * from "./types.js";
