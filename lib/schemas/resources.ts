import { z } from "zod";
import { AsymmetricAlg, DEFAULT_METHOD_SCOPES, RateLimits } from "@/lib/enforcer/policy";
import { normalizeResourceUri } from "./resource-uri";

/**
 * The editable policy of an MCP resource (McpResource.draft, JSON). Publishing combines it
 * with the resource's URI and its IdP profile into an `EnforcerPolicy` bundle.
 */
export const BASE_SCOPES = [
  { name: "mcp:tools", description: "Invoke tools" },
  { name: "mcp:resources", description: "Read resources" },
  { name: "mcp:prompts", description: "Use prompts" },
  { name: "mcp:tools:read", description: "List and describe tools" },
  { name: "mcp:tools:execute", description: "Invoke tools (fine-grained)" },
  { name: "mcp:tools:admin", description: "Manage tool registrations" },
] as const;

export const ScopeName = z
  .string()
  .trim()
  .min(1, "Enter a scope.")
  .max(200, "At most 200 characters.")
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, "A scope has no spaces, quotes or backslashes.");

export const ScopeDef = z.object({ name: ScopeName, description: z.string().trim().max(500).default("") });

export const ToolDef = z.object({
  name: z.string().trim().min(1, "Enter a tool name.").max(128, "At most 128 characters."),
  enabled: z.boolean().default(true),
  scopes: z.array(ScopeName).max(50).default([]),
  description: z.string().max(2000).optional(),
  /** Set by an import for a tool the server did not list before (issue 13 #5): it arrives disabled; publishing it enabled asks first. */
  importedNew: z.boolean().optional(),
});

const optionalText = (max: number, message: string) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.string().trim().max(max, message).optional(),
  );

/**
 * A downstream API that a tool calls as the user (issue 13 #1): published as `policy.obo`. The secret stays on the
 * MCP server's host: the draft only says where the enforcer reads it (an environment variable or a file).
 */
export const DownstreamDef = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Enter a name, e.g. graph.")
    .max(100, "At most 100 characters.")
    .regex(/^[A-Za-z0-9._-]+$/, "Use letters, digits, dots, dashes and underscores, e.g. graph."),
  grant: z.enum(["entra_obo", "token_exchange"], { error: "Choose Entra on-behalf-of or RFC 8693 token exchange." }),
  scope: z
    .string()
    .trim()
    .min(1, "Enter the scope to request, e.g. https://graph.microsoft.com/.default.")
    .max(2000, "At most 2,000 characters."),
  audience: optionalText(500, "At most 500 characters."),
  /** Empty: derived from the IdP profile (Entra, Okta, Auth0); required for generic OIDC. */
  tokenEndpoint: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.url({ error: "Enter an https URL, e.g. https://idp.example.com/oauth2/token, or leave it empty." }).optional(),
  ),
  clientId: z
    .string()
    .trim()
    .min(1, "Enter the client id of the app that performs the exchange.")
    .max(500, "At most 500 characters."),
  clientAuth: z
    .enum(["client_secret_basic", "client_secret_post", "private_key_jwt"], {
      error: "Choose client_secret_basic, client_secret_post or private_key_jwt.",
    })
    .default("client_secret_basic"),
  /** Exactly one of the two: where the enforcer reads the secret (or the private key). */
  secretFrom: z
    .object({
      env: z
        .string()
        .trim()
        .regex(
          /^[A-Za-z_][A-Za-z0-9_]{0,127}$/,
          "Enter an environment variable name, e.g. PORTCULLIS_OBO_GRAPH_SECRET.",
        )
        .optional(),
      file: z.string().trim().min(1, "Enter a file path, e.g. /run/secrets/graph.").max(1000).optional(),
    })
    .strict()
    .refine((v) => (v.env === undefined) !== (v.file === undefined), {
      message: "Enter either an environment variable or a file path.",
    }),
});
export type DownstreamDef = z.infer<typeof DownstreamDef>;

/** Whether tools/list shows enabled tools that need more scope than the token has (issue 20). */
export const ToolsNeedingScope = z.enum(["show", "hide"], { error: "Choose show or hide." });

export const ResourceDraft = z.object({
  audiences: z.array(z.string().trim().min(1).max(500)).min(1, "Add at least one accepted audience.").max(20),
  algorithms: z.array(AsymmetricAlg).min(1).default(["RS256"]),
  clockToleranceSec: z.number().int().min(0).max(300).default(30),
  maxTokenLifetimeSec: z.number().int().min(0).max(31_536_000).default(86_400),
  documentationUrl: z.url().optional(),
  allowedOrigins: z.array(z.string().max(500)).max(100).default([]),
  scopes: z
    .array(ScopeDef)
    .max(200)
    .default(BASE_SCOPES.map((s) => ({ ...s }))),
  methods: z
    .record(z.string().max(200), z.object({ anyOf: z.array(ScopeName).max(50), enabled: z.boolean().optional() }))
    .default(DEFAULT_METHOD_SCOPES),
  tools: z.array(ToolDef).max(5000).default([]),
  unlistedTools: z.enum(["deny", "allow"]).default("deny"),
  rateLimits: RateLimits.default(RateLimits.parse({})),
  /** Named on every 401 (`scope=`); empty: what tools/list and the tools without scopes need (derived at publish). */
  baselineScopes: z.array(ScopeName).max(50).default([]),
  /** tools/list and enabled tools the token lacks scopes for: listed (clients step up on the 403) or hidden. */
  toolsNeedingScope: ToolsNeedingScope.default("show"),
  /** Downstream APIs for OBO / token exchange (published as `policy.obo`). */
  downstreams: z.array(DownstreamDef).max(50).default([]),
});
export type ResourceDraft = z.infer<typeof ResourceDraft>;

// ---- Admin input (forms and the REST API). The draft above is what is stored. ----

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const Id = z.string().trim().min(1).max(100);

/** A browser origin (RFC 6454): scheme, host and optional port; no path, query or fragment. */
export const Origin = z
  .string()
  .trim()
  .max(500)
  .refine((v) => {
    try {
      const u = new URL(v);
      const bare = u.pathname === "/" && !u.search && !u.hash && !u.username && !/[?#]/.test(v);
      return (u.protocol === "https:" || u.protocol === "http:") && bare && !/^[a-z]+:\/\/[^/]*\/./i.test(v);
    } catch {
      return false;
    }
  }, "Enter an origin such as https://app.example.com (no path).")
  .transform((v) => new URL(v).origin);

/**
 * Canonical resource URI as typed; resource-uri.ts checks and normalizes it (RFC 8707 §2). Checked here, on
 * the field, so its error arrives together with every other field's (issue 21), not after they are fixed.
 */
export const ResourceUriInput = z
  .string()
  .trim()
  .min(1, "Enter the resource URI.")
  .max(500, "At most 500 characters.")
  .superRefine((v, ctx) => {
    const normalized = normalizeResourceUri(v);
    if (!normalized.ok) ctx.addIssue({ code: "custom", message: normalized.error });
  });

export const Audience = z
  .string()
  .trim()
  .min(1, "Enter an audience.")
  .max(500, "At most 500 characters.")
  .regex(/^\S+$/, "An audience has no spaces.");

/** The resource's token settings (the non-policy part of the draft). */
export const ResourceSettingsFields = {
  name: z.string().trim().min(1, "Enter a name.").max(100, "At most 100 characters."),
  uri: ResourceUriInput,
  idpProfileId: Id.describe("IdP profile"),
  audiences: z
    .array(Audience)
    .min(1, "Add at least one accepted audience.")
    .max(20)
    .refine((a) => new Set(a).size === a.length, "An audience is listed twice."),
  algorithms: z
    .array(AsymmetricAlg, { error: "Unknown algorithm (none and HMAC are never accepted)." })
    .min(1, "Allow at least one algorithm.")
    .max(10)
    .default(["RS256"]),
  clockToleranceSec: z.coerce.number().int("Whole seconds.").min(0).max(300, "At most 300 s.").default(30),
  maxTokenLifetimeSec: z.coerce.number().int("Whole seconds.").min(0).max(31_536_000).default(86_400),
  documentationUrl: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/, error: "Enter an http(s) URL." })
      .max(500)
      .optional(),
  ),
  allowedOrigins: z.array(Origin).max(100).default([]),
};

export const CreateResourceInput = z.object(ResourceSettingsFields);
export type CreateResourceInput = z.infer<typeof CreateResourceInput>;

export const UpdateResourceInput = z.object({ id: Id, ...ResourceSettingsFields });
export type UpdateResourceInput = z.infer<typeof UpdateResourceInput>;

/** Policy tab: scopes, method → scopes mapping, rate limits. */
export const UpdatePolicyInput = z.object({
  id: Id,
  scopes: z
    .array(ScopeDef)
    .max(200)
    .refine((a) => new Set(a.map((s) => s.name)).size === a.length, "A scope is listed twice."),
  methods: z.record(
    z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9_/$.-]+$/, "A method name such as tools/call."),
    z.object({ anyOf: z.array(ScopeName).max(50), enabled: z.boolean().optional() }),
  ),
  rateLimits: RateLimits,
  /** Absent: unchanged. Empty: derived at publish. */
  baselineScopes: z
    .array(ScopeName)
    .max(50)
    .refine((a) => new Set(a).size === a.length, "A scope is listed twice.")
    .optional(),
  toolsNeedingScope: ToolsNeedingScope.optional(),
});
export type UpdatePolicyInput = z.infer<typeof UpdatePolicyInput>;

/** Tools tab: the allowlist and what happens to unlisted tools. */
export const UpdateToolsInput = z.object({
  id: Id,
  tools: z
    .array(ToolDef)
    .max(5000)
    .refine((a) => new Set(a.map((t) => t.name)).size === a.length, "A tool is listed twice."),
  unlistedTools: z.enum(["deny", "allow"]),
});
export type UpdateToolsInput = z.infer<typeof UpdateToolsInput>;

/** Import from a running MCP server. The token is used for one call and never stored, logged or audited. */
export const ImportToolsInput = z.object({
  serverUrl: z.string().trim().min(1, "Enter the MCP server URL.").max(500),
  bearerToken: z.preprocess(emptyToUndefined, z.string().trim().max(16_384).optional()),
});
export type ImportToolsInput = z.infer<typeof ImportToolsInput>;

export const ResourceIdInput = z.object({ id: Id });

/** Downstream APIs tab: the whole list (names unique). */
export const UpdateDownstreamsInput = z.object({
  id: Id,
  downstreams: z
    .array(DownstreamDef)
    .max(50, "At most 50 downstream APIs.")
    .refine((a) => new Set(a.map((d) => d.name)).size === a.length, "A downstream name is used twice."),
});
export type UpdateDownstreamsInput = z.infer<typeof UpdateDownstreamsInput>;
