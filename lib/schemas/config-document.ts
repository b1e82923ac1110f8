import { z } from "zod";
import { AsymmetricAlg, RateLimits } from "@/lib/enforcer/policy";
import { ALERT_KINDS, SEVERITIES, TEMPLATE_FIELDS, TEMPLATE_MAX } from "./alerts";
import { ClaimProfile, Domain, EntraTenant, EntraTokenVersion, SecureUrl } from "./idp-profiles";
import { Audience, DownstreamDef, Origin, ResourceUriInput, ScopeDef, ScopeName, ToolDef } from "./resources";

/**
 * The configuration-as-code document (issue 14): every IdP profile, resource (with its policy, tools and
 * downstream APIs), alert rule and alert channel, referenced by name, never by database id, and without
 * secrets. Every object is strict: an unknown key is an error that names its path, so a typo in Git never
 * applies silently. A top-level section that is absent is left unmanaged; a present one is authoritative
 * (objects missing from it are deleted, alert channels excepted: they hold secrets and are update-only).
 */
export const CONFIG_API_VERSION = "portcullis/v1";

const Name = z.string().trim().min(1, "Enter a name.").max(100, "At most 100 characters.");
const Algorithms = z.array(AsymmetricAlg, { error: "Unknown algorithm (none and HMAC are never accepted)." });
const overrides = {
  issuers: z.array(SecureUrl).min(1).max(10, "At most 10 issuers.").optional(),
  discoveryUrl: SecureUrl.optional(),
  jwksUri: SecureUrl.optional(),
  algorithms: Algorithms.min(1).max(10).optional(),
  claimProfile: ClaimProfile.partial().strict().optional(),
};

export const IdpProfileDoc = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({
      name: Name,
      kind: z.literal("entra"),
      tenantId: EntraTenant,
      tokenVersion: EntraTokenVersion.default("v2"),
      ...overrides,
    }),
    z.strictObject({
      name: Name,
      kind: z.literal("okta"),
      domain: Domain,
      authServerId: z
        .string()
        .trim()
        .max(100)
        .regex(/^[A-Za-z0-9_-]+$/, "Letters, digits, - and _ only.")
        .default("default"),
      ...overrides,
    }),
    z.strictObject({ name: Name, kind: z.literal("auth0"), domain: Domain, ...overrides }),
    z.strictObject({ name: Name, kind: z.literal("oidc"), issuer: SecureUrl, ...overrides }),
  ],
  { error: "kind must be one of entra, okta, auth0, oidc." },
);
export type IdpProfileDoc = z.infer<typeof IdpProfileDoc>;

const MethodRule = z.strictObject({ anyOf: z.array(ScopeName).max(50), enabled: z.boolean().optional() });
export const PolicyDoc = z.strictObject({
  scopes: z.array(ScopeDef.strict()).max(200).optional(),
  methods: z
    .record(
      z
        .string()
        .trim()
        .min(1)
        .max(200)
        .regex(/^[A-Za-z0-9_/$.-]+$/, "A method name such as tools/call."),
      MethodRule,
    )
    .optional(),
  rateLimits: RateLimits.partial().strict().optional(),
  baselineScopes: z.array(ScopeName).max(50).optional(),
  toolsNeedingScope: z.enum(["show", "hide"]).optional(),
  unlistedTools: z.enum(["deny", "allow"]).optional(),
});
export type PolicyDoc = z.infer<typeof PolicyDoc>;

/** Read-only facts in an export (ignored by plan and apply): which version enforcers run. */
export const ResourceStatusDoc = z.strictObject({
  publishedVersion: z.number().int().min(1).nullable(),
  unpublishedChanges: z.boolean(),
});

export const ResourceDoc = z.strictObject({
  name: Name,
  uri: ResourceUriInput,
  /** The IdP profile's name. */
  idpProfile: Name,
  audiences: z.array(Audience).min(1, "Add at least one accepted audience.").max(20),
  algorithms: Algorithms.min(1).max(10).optional(),
  clockToleranceSec: z.number().int().min(0).max(300).optional(),
  maxTokenLifetimeSec: z.number().int().min(0).max(31_536_000).optional(),
  documentationUrl: z
    .url({ protocol: /^https?$/, error: "Enter an http(s) URL." })
    .max(500)
    .optional(),
  allowedOrigins: z.array(Origin).max(100).optional(),
  policy: PolicyDoc.optional(),
  tools: z.array(ToolDef.strict()).max(5000).optional(),
  /** OBO downstream APIs: `secretFrom` says where the MCP server's host keeps the secret, never the secret. */
  downstreams: z.array(DownstreamDef.strict()).max(50).optional(),
  status: ResourceStatusDoc.optional(),
});
export type ResourceDoc = z.infer<typeof ResourceDoc>;

const Minutes = (max: number) => z.number().int().min(0).max(max);
export const AlertRuleDoc = z.strictObject({
  kind: z.enum(ALERT_KINDS, { error: `kind must be one of ${ALERT_KINDS.join(", ")}.` }),
  /** auth_failures only: one reason code; absent = every reason. */
  reason: z.string().trim().min(1).max(100).optional(),
  /** A resource's name: an override for that resource; absent = fleet-wide. */
  resource: Name.optional(),
  name: Name,
  threshold: z.number().gt(0, "The threshold must be greater than 0."),
  windowMin: Minutes(1440).min(1),
  forMin: Minutes(1440).default(0),
  resolveMin: Minutes(1440).default(2),
  renotifyMin: Minutes(10080).default(0),
  severity: z.enum(SEVERITIES),
  enabled: z.boolean().default(true),
  /** Channel names. */
  channels: z.array(Name).max(20).default([]),
});
export type AlertRuleDoc = z.infer<typeof AlertRuleDoc>;

const Template = z
  .string()
  .max(TEMPLATE_MAX)
  .refine(
    (v) =>
      [...v.matchAll(/\{\{\s*([^}\s]*)\s*\}\}/g)].every((m) =>
        (TEMPLATE_FIELDS as readonly string[]).includes(m[1] ?? ""),
      ),
    `Unknown placeholder: use ${TEMPLATE_FIELDS.join(", ")}.`,
  );

/** Channels hold secrets (URLs, signing secrets, recipients): create them in the dashboard; the file tunes the rest. */
export const AlertChannelDoc = z.strictObject({
  name: Name,
  kind: z.enum(["webhook", "slack", "email"]),
  /** Read-only display hint (URL origin or recipients). */
  target: z.string().max(2000).optional(),
  /** Where the channel's secrets live (read-only): encrypted in the control plane's database. */
  secrets: z.literal("control-plane").optional(),
  minSeverity: z.enum(SEVERITIES).default("info"),
  template: Template.default(""),
  enabled: z.boolean().default(true),
});
export type AlertChannelDoc = z.infer<typeof AlertChannelDoc>;

export const ConfigDocument = z.strictObject({
  apiVersion: z.literal(CONFIG_API_VERSION, { error: `apiVersion must be ${CONFIG_API_VERSION}.` }),
  idpProfiles: z.array(IdpProfileDoc).max(500).optional(),
  resources: z.array(ResourceDoc).max(2000).optional(),
  alertRules: z.array(AlertRuleDoc).max(2000).optional(),
  alertChannels: z.array(AlertChannelDoc).max(200).optional(),
});
export type ConfigDocument = z.infer<typeof ConfigDocument>;

/** Plan and apply bodies: the document as YAML or JSON text, or as a JSON object. */
export const ConfigPlanBody = z.strictObject({
  document: z.union([z.string().max(4 * 1024 * 1024), z.record(z.string(), z.unknown())], {
    error: "document must be the YAML or JSON text, or the document as a JSON object.",
  }),
  /** Publish the resources the apply creates or changes (and drafts not yet published), in the same transaction. */
  publish: z.boolean().default(false),
  /** false: objects the document leaves out are kept (no delete, no archive): a partial document only adds and changes. */
  prune: z.boolean().default(true),
});
export type ConfigPlanBody = z.infer<typeof ConfigPlanBody>;
export const ConfigApplyBody = ConfigPlanBody.extend({
  /** The `planId` a plan answered: apply refuses (409) when the state or the document changed since. */
  planId: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "A planId from POST /api/v1/config/plan.")
    .optional(),
  note: z.string().trim().max(500).default(""),
});
export type ConfigApplyBody = z.infer<typeof ConfigApplyBody>;

export const ExportQuery = z.strictObject({ format: z.enum(["yaml", "json"]).default("yaml") });

/** What plan answers (and apply, with its outcome): one entry per object and action, with field diffs. */
const DiffEntrySchema = z.object({
  path: z.string(),
  kind: z.enum(["added", "removed", "changed"]),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export const ConfigPlanResponse = z.object({
  planId: z.string().describe("Pass to apply: it refuses (409) when the state or the document changed since."),
  changes: z.array(
    z.object({
      type: z.enum(["idp_profile", "resource", "alert_rule", "alert_channel"]),
      name: z.string().describe("The object's name; alert rules: kind/reason/resource."),
      action: z.enum(["create", "update", "delete", "archive", "publish"]),
      changes: z.array(DiffEntrySchema),
    }),
  ),
  summary: z.object({
    create: z.number(),
    update: z.number(),
    delete: z.number(),
    archive: z.number(),
    publish: z.number(),
  }),
});
export const ConfigApplyResponse = ConfigPlanResponse.extend({
  applied: z.boolean().describe("false: nothing to change (nothing written, no audit row)."),
  changeSetId: z.string().nullable().describe("The config.applied audit row's target id."),
  published: z.array(z.object({ resource: z.string(), version: z.number().int() })),
});
