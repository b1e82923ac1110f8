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
/**
 * Where a token's scopes, roles, client id and version live, when the IdP profile says so explicitly (the control
 * plane publishes the profile's claim settings). Absent: the preset of `idp.kind` (see `normalizeClaims`).
 *
 * @example
 * ClaimSettings.parse({ scopeClaims: ["permissions"], clientIdClaims: ["azp"], rolesClaim: "", tokenVersions: [] })
 */
export const ClaimSettings = z.object({
  /** Claims read as scopes, in order: each may be a space-separated string or an array. */
  scopeClaims: z.array(z.string().min(1).max(100)).min(1).max(5),
  /** Where the client id lives, most specific first. */
  clientIdClaims: z.array(z.string().min(1).max(100)).min(1).max(5),
  /** The roles claim ("" for none). */
  rolesClaim: z.string().max(100).default(""),
  /** Accepted `ver` claim values (Entra "1.0"/"2.0", Okta 1); empty: not checked. */
  tokenVersions: z.array(z.string().min(1).max(10)).max(5).default([]),
});
export type ClaimSettings = z.infer<typeof ClaimSettings>;

export const RateLimits = z.object({
  toolInvocationsPerMin: z.number().int().min(0).max(1_000_000).default(100),
  resourceReadsPerMin: z.number().int().min(0).max(1_000_000).default(500),
  /** Optional caps of a whole client (all its users together), per minute; 0 = none. The two above are per user. */
  clientToolInvocationsPerMin: z.number().int().min(0).max(10_000_000).default(0),
  clientResourceReadsPerMin: z.number().int().min(0).max(10_000_000).default(0),
  tokenRefreshPerHour: z.number().int().min(0).max(1_000_000).default(10),
  failedAuthMax: z.number().int().min(0).max(10_000).default(5),
  failedAuthWindowSec: z.number().int().min(1).max(86_400).default(300),
  failedAuthBlockSec: z.number().int().min(0).max(86_400).default(900),
});
export type RateLimits = z.infer<typeof RateLimits>;

/**
 * Where an enforcer reads a downstream's client secret (or, for `private_key_jwt`, its PEM private key): an
 * environment variable or a file on the MCP server's host. The secret itself never enters the control plane
 * or a bundle.
 */
export const OboSecretRef = z.union([
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "an environment variable name") }).strict(),
  z.object({ file: z.string().min(1).max(1000) }).strict(),
]);

/** A downstream API a tool may call on behalf of the user (OBO / RFC 8693). */
export const OboDownstream = z.object({
  name: z.string().min(1).max(100),
  tokenEndpoint: z.url(),
  /** Entra: `jwt-bearer` OBO; others: RFC 8693 token exchange. */
  grant: z.enum(["entra_obo", "token_exchange"]),
  scope: z.string().min(1).max(2000),
  audience: z.string().max(500).optional(),
  /** The confidential client that performs the exchange (published by the control plane; optional for code). */
  clientId: z.string().min(1).max(500).optional(),
  /** RFC 6749 §2.3 / RFC 7523 client authentication at the token endpoint. Default `client_secret_basic`. */
  clientAuth: z.enum(["client_secret_basic", "client_secret_post", "private_key_jwt"]).optional(),
  /** Where the enforcer reads the secret (or the private key for `private_key_jwt`). */
  secretFrom: OboSecretRef.optional(),
});

/** MCP protocol revisions the enforcer knows, oldest first (2026-07-28 starts the stateless era). */
export const PROTOCOL_REVISIONS = ["2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"] as const;

/**
 * Which MCP revisions a resource accepts: every known revision from `oldestRevision` on. A request without
 * `MCP-Protocol-Version` counts as 2025-03-26 (transport spec), so it is refused unless that is the oldest.
 */
export const ProtocolSettings = z.object({
  oldestRevision: z.enum(PROTOCOL_REVISIONS).default("2025-06-18"),
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

/** The parts of a policy its scopes come from (parsed or not yet defaulted). */
interface ScopeSources {
  baselineScopes?: readonly string[] | undefined;
  methods: Record<string, { anyOf: readonly string[]; enabled?: boolean | undefined }>;
  tools: readonly { name: string; enabled: boolean; scopes: readonly string[] }[];
  unlistedTools: "deny" | "allow";
}

/** The rule a method resolves to from the policy's table and the defaults (enabled or not). */
function ruleOf(policy: ScopeSources, method: string): { anyOf: readonly string[]; enabled?: boolean } | undefined {
  if (Object.hasOwn(policy.methods, method)) return policy.methods[method];
  return Object.hasOwn(DEFAULT_METHOD_SCOPES, method) ? DEFAULT_METHOD_SCOPES[method] : undefined;
}

/**
 * Every scope a policy can ask a client for, mapped to the first rule that names it: the baseline scopes,
 * the scopes of each enabled method rule (the policy's and the defaults it does not override) and the
 * scopes of each enabled tool. `scopes_supported` must list all of them: clients register with it.
 *
 * @example
 * [...requiredPolicyScopes(policy).keys()] // ["mcp:tools", "mcp:tools:read", …, "mcp:tools:admin"]
 */
export function requiredPolicyScopes(policy: ScopeSources): Map<string, string> {
  const out = new Map<string, string>();
  const add = (scopes: readonly string[], where: string) => {
    for (const s of scopes) if (!out.has(s)) out.set(s, where);
  };
  add(policy.baselineScopes ?? [], "baselineScopes");
  for (const method of new Set([...Object.keys(DEFAULT_METHOD_SCOPES), ...Object.keys(policy.methods)])) {
    const rule = ruleOf(policy, method);
    if (rule && rule.enabled !== false) add(rule.anyOf, `method ${method}`);
  }
  for (const tool of policy.tools) if (tool.enabled) add(tool.scopes, `tool ${tool.name}`);
  return out;
}

/**
 * The default baseline: the fewest scopes that let a client list tools and call every enabled tool without
 * scopes of its own (one scope both `tools/list` and `tools/call` accept when there is one: `mcp:tools`).
 *
 * @example
 * deriveBaselineScopes({ methods: DEFAULT_METHOD_SCOPES, tools: [{ name: "read", enabled: true, scopes: [] }], unlistedTools: "deny" }) // ["mcp:tools"]
 */
export function deriveBaselineScopes(policy: ScopeSources): string[] {
  const rules = [ruleOf(policy, "tools/list")];
  if (policy.unlistedTools === "allow" || policy.tools.some((t) => t.enabled && t.scopes.length === 0)) {
    rules.push(ruleOf(policy, "tools/call"));
  }
  const needed = rules.flatMap((r) => (r && r.enabled !== false && r.anyOf.length > 0 ? [r.anyOf] : []));
  const first = needed[0];
  if (!first) return [];
  const common = first.find((s) => needed.every((anyOf) => anyOf.includes(s)));
  if (common !== undefined) return [common];
  return [...new Set(needed.map((anyOf) => anyOf[0] as string))];
}

/** The fields of {@link EnforcerPolicy}, before its scope checks and derived defaults. */
const PolicyObject = z.object({
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
    /** The IdP profile's claim settings (issue 13 #2); absent in older bundles: the kind's preset. */
    claims: ClaimSettings.optional(),
    /** Authorization servers advertised in the RFC 9728 document. */
    authorizationServers: z.array(z.url()).min(1).max(10),
  }),
  /**
   * Advertised in RFC 9728 `scopes_supported`. Absent: derived (every scope the policy requires, see
   * {@link requiredPolicyScopes}); present: must include each of them, or the policy is refused.
   */
  scopesSupported: z.array(scopeName).max(200).optional(),
  /**
   * Sent as `scope=` on every 401 (MCP 2025-11-25: clients ask for it first). Absent: derived, the
   * scopes `tools/list` and the enabled tools without scopes of their own need (see {@link deriveBaselineScopes}).
   */
  baselineScopes: z.array(scopeName).max(50).optional(),
  methods: z.record(z.string().max(200), MethodRule).default(DEFAULT_METHOD_SCOPES),
  tools: z.array(ToolRule).max(5000).default([]),
  /** What happens to a tool not in the list: deny by default (fail closed). */
  unlistedTools: z.enum(["deny", "allow"]).default("deny"),
  /**
   * `tools/list` and enabled tools whose scopes the token lacks: `show` (default) lists them, so a host can call
   * one and get the 403 that starts the step-up; `hide` filters them out. Disabled and unlisted tools are always hidden.
   */
  toolsNeedingScope: z.enum(["show", "hide"]).default("show"),
  rateLimits: RateLimits.default(RateLimits.parse({})),
  obo: z.array(OboDownstream).max(50).default([]),
  /**
   * The control plane archived the resource (issue 13 #7): every request is refused with `resource_archived`. Such a
   * bundle also disables every method and tool, so an enforcer older than this field denies everything as well.
   */
  archived: z.boolean().optional(),
  /** MCP protocol revisions served (issue 22). Absent in bundles older than the field: the defaults. */
  protocol: ProtocolSettings.default(ProtocolSettings.parse({})),
});

/**
 * Everything the enforcer needs to protect one MCP resource.
 *
 * @example
 * const policy = EnforcerPolicy.parse({ resource: { uri: "https://mcp.example.com/mcp", name: "files" }, idp: {...}, tools: [{ name: "read_file" }] });
 */
export const EnforcerPolicy = PolicyObject.superRefine((policy, ctx) => {
  if (!policy.scopesSupported) return;
  const advertised = new Set(policy.scopesSupported);
  for (const [scope, where] of requiredPolicyScopes(policy)) {
    if (advertised.has(scope)) continue;
    ctx.addIssue({
      code: "custom",
      path: ["scopesSupported"],
      message: `scope "${scope}" is required by ${where} but not in scopesSupported (clients register and ask with the advertised list)`,
    });
  }
}).transform((policy) => {
  const baselineScopes = policy.baselineScopes ?? deriveBaselineScopes(policy);
  const scopesSupported = policy.scopesSupported ?? [...requiredPolicyScopes({ ...policy, baselineScopes }).keys()];
  return { ...policy, scopesSupported, baselineScopes };
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
