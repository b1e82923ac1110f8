/**
 * The policy an enforcer applies, and the signed config bundle that carries it.
 * One schema on both sides: the control plane validates a bundle with it before
 * signing, the enforcer validates it again after verifying the signature.
 */
import { z } from "zod";

/** IdP kinds Portcullis knows the token shapes of. @example IdpKind.parse("entra") */
export const IdpKind = z.enum(["entra", "okta", "auth0", "oidc"]);
export type IdpKind = z.infer<typeof IdpKind>;

/** Asymmetric JWS algorithms an IdP may sign access tokens with. `none` and HMAC are not representable. */
export const AsymmetricAlg = z.enum([
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
]);
export type AsymmetricAlg = z.infer<typeof AsymmetricAlg>;

const scopeName = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^[\x21\x23-\x5b\x5d-\x7e]+$/,
    "a scope is printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)",
  );

/** Required scopes of a method: the token needs at least one of `anyOf` (empty = a valid token is enough). */
export const MethodRule = z.object({
  anyOf: z.array(scopeName).max(50).default([]),
  /** `false` refuses the method outright (`method_not_allowed`); absent means enabled. */
  enabled: z.boolean().optional(),
});

/** One tool of the allowlist. `scopes` are all required, on top of the `tools/call` method rule. */
export const ToolRule = z.object({
  name: z.string().min(1).max(128),
  enabled: z.boolean().default(true),
  scopes: z.array(scopeName).max(50).default([]),
  description: z.string().max(2000).optional(),
});
export type ToolRule = z.infer<typeof ToolRule>;

/** Per-client rate limits (DOMAIN.md defaults). */
export const RateLimits = z.object({
  toolInvocationsPerMin: z.number().int().min(0).max(1_000_000).default(100),
  resourceReadsPerMin: z.number().int().min(0).max(1_000_000).default(500),
  tokenRefreshPerHour: z.number().int().min(0).max(1_000_000).default(10),
  failedAuthMax: z.number().int().min(0).max(10_000).default(5),
  failedAuthWindowSec: z.number().int().min(1).max(86_400).default(300),
  failedAuthBlockSec: z.number().int().min(0).max(86_400).default(900),
});
export type RateLimits = z.infer<typeof RateLimits>;

/** A downstream API a tool may call on behalf of the user (OBO / RFC 8693). */
export const OboDownstream = z.object({
  name: z.string().min(1).max(100),
  tokenEndpoint: z.url(),
  /** Entra: `jwt-bearer` OBO; others: RFC 8693 token exchange. */
  grant: z.enum(["entra_obo", "token_exchange"]),
  scope: z.string().min(1).max(2000),
  audience: z.string().max(500).optional(),
});

export const DEFAULT_METHOD_SCOPES: Record<string, { anyOf: string[] }> = {
  "tools/list": { anyOf: ["mcp:tools", "mcp:tools:read"] },
  "tools/call": { anyOf: ["mcp:tools", "mcp:tools:execute"] },
  "resources/list": { anyOf: ["mcp:resources"] },
  "resources/templates/list": { anyOf: ["mcp:resources"] },
  "resources/read": { anyOf: ["mcp:resources"] },
  "resources/subscribe": { anyOf: ["mcp:resources"] },
  "resources/unsubscribe": { anyOf: ["mcp:resources"] },
  "prompts/list": { anyOf: ["mcp:prompts"] },
  "prompts/get": { anyOf: ["mcp:prompts"] },
};

/**
 * Everything the enforcer needs to protect one MCP resource.
 *
 * @example
 * const policy = EnforcerPolicy.parse({ resource: { uri: "https://mcp.example.com/mcp", name: "files" }, idp: {...}, tools: [{ name: "read_file" }] });
 */
export const EnforcerPolicy = z.object({
  schemaVersion: z.literal(1).default(1),
  resource: z.object({
    /** Canonical resource URI (RFC 8707 / RFC 9728 `resource`). */
    uri: z.url(),
    name: z.string().min(1).max(100),
    documentationUrl: z.url().optional(),
    /** Browser origins allowed to call (empty: non-browser clients only; requests with an Origin are refused). */
    allowedOrigins: z.array(z.string().max(500)).max(100).default([]),
  }),
  idp: z.object({
    kind: IdpKind,
    issuers: z.array(z.string().min(1).max(500)).min(1).max(10),
    jwksUri: z.url(),
    audiences: z.array(z.string().min(1).max(500)).min(1).max(20),
    algorithms: z.array(AsymmetricAlg).min(1).default(["RS256"]),
    clockToleranceSec: z.number().int().min(0).max(300).default(30),
    /** Refuse tokens whose `exp - iat` exceeds this. Default one day; a policy may raise it, 0 = no limit. */
    maxTokenLifetimeSec: z.number().int().min(0).max(31_536_000).default(86_400),
    requireTokenType: z.enum(["at+jwt"]).optional(),
    /** Authorization servers advertised in the RFC 9728 document. */
    authorizationServers: z.array(z.url()).min(1).max(10),
  }),
  scopesSupported: z.array(scopeName).max(200).default(["mcp:tools", "mcp:resources", "mcp:prompts"]),
  methods: z.record(z.string().max(200), MethodRule).default(DEFAULT_METHOD_SCOPES),
  tools: z.array(ToolRule).max(5000).default([]),
  /** What happens to a tool not in the list: deny by default (fail closed). */
  unlistedTools: z.enum(["deny", "allow"]).default("deny"),
  rateLimits: RateLimits.default(RateLimits.parse({})),
  obo: z.array(OboDownstream).max(50).default([]),
});
export type EnforcerPolicy = z.infer<typeof EnforcerPolicy>;
export type EnforcerPolicyInput = z.input<typeof EnforcerPolicy>;

/**
 * The payload of a signed config bundle (the JWS payload is this, as JSON).
 *
 * @example
 * const bundle = ConfigBundle.parse(JSON.parse(payloadText));
 */
export const ConfigBundle = z.object({
  /** Monotonic per resource: 1, 2, 3… */
  version: z.number().int().min(1),
  resourceId: z.string().min(1).max(100),
  publishedAt: z.iso.datetime(),
  publishedBy: z.string().max(320),
  policy: EnforcerPolicy,
});
export type ConfigBundle = z.infer<typeof ConfigBundle>;
