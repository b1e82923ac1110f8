/**
 * Portcullis enforcer: the public entry point (`portcullis/enforcer`).
 *
 * @example
 * import { createEnforcer, EnforcerPolicy } from "portcullis/enforcer";
 * const enforcer = createEnforcer({ policy: EnforcerPolicy.parse(json) });
 * const response = await enforcer.handle(request, (req, auth) => mcpHandler(req, auth));
 *
 * Exports are sorted by module path (Biome organizeImports): contracts (errors, policy, types), the
 * core (token validation, authorization, the Fetch pipeline), adapters, filters, limits, OBO, config
 * and telemetry clients all live side by side below.
 */

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
export { allowedToolNames, authorizeMessage, methodRule } from "./authorize.js";
export { type NormalizedClaims, normalizeClaims, readWordList } from "./claim-profiles.js";
export { type ConfigClient, type ConfigClientOptions, createConfigClient } from "./config-client.js";
export { ConfigRejection, type ConfigRejectionCode } from "./config-verify.js";
export { type DenialOptions, denialResponse } from "./denial.js";
export { createEnforcer } from "./enforcer.js";
export * from "./errors.js";
export { type JsonRpcInfo, parseJsonRpc, readBodyLimited } from "./jsonrpc.js";
export { type ImportedKey, importVerificationKey, selectKey } from "./jwk-import.js";
export { createJwksCache, type JwksCache, type JwksCacheOptions } from "./jwks-cache.js";
export {
  decodeBase64Url,
  type JwsHeader,
  type ParsedJws,
  parseCompactJws,
  verifyCompactJws,
  verifyJwsSignature,
} from "./jws-verify.js";
export { metadataPaths, metadataResponse, protectedResourceMetadata, resourceMetadataUrl } from "./metadata.js";
export {
  createEnforcerMetrics,
  type EnforcerMetrics,
  type EnforcerMetricsOptions,
  TELEMETRY_LATENCY_BUCKETS_MS,
} from "./metrics.js";
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
} from "./obo.js";
export * from "./policy.js";
export {
  createMemoryRateLimiter,
  createRedisRateLimiter,
  type MemoryRateLimiterOptions,
  type RateLimitResult,
  type RedisLike,
  type RedisRateLimiterOptions,
} from "./rate-limit.js";
export { checkNoTokenInQuery, checkOrigin, extractBearerToken } from "./request-checks.js";
export { encodeTelemetryBatch } from "./telemetry-batch.js";
export {
  createTelemetryClient,
  fanOutSink,
  MAX_TELEMETRY_BATCH,
  type TelemetryClient,
  type TelemetryClientOptions,
  type TelemetryClock,
  type TelemetryStats,
} from "./telemetry-client.js";
export { createRecordingSink, noopSink, type RecordingSink, safeEmit } from "./telemetry-sink.js";
export { backoffDelay, realClock, retryAfterMs, sendOutcome } from "./telemetry-transport.js";
export { type DecisionColumns, decodeDecisionColumns } from "./telemetry-wire.js";
export { createTokenValidator, type DetailedTokenValidator } from "./token-validator.js";
export { checkTokenClaims, type ResolvedValidatorOptions, resolveValidatorOptions } from "./token-validator-options.js";
export {
  type AllowedNames,
  bodyKind,
  createSseToolsRewriter,
  filterToolsListJson,
  filterToolsListMessage,
  filterToolsListResponse,
  type SseToolsRewriter,
  type ToolsFilterOptions,
  toolsListFilter,
} from "./tools-filter.js";
export type * from "./types.js";
export { createVerifiedTokenCache, type VerifiedTokenCache } from "./verified-token-cache.js";
