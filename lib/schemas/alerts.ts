import { z } from "zod";
import { ALL_REASON_CODES } from "@/lib/enforcer/errors";
import { BoundedIsoDateTime } from "./bounds";

/**
 * Alert rule kinds, their DOMAIN.md defaults ("Defaults and thresholds") and the explanation shown
 * beside every rule and alert (from DOMAIN.md's pitfalls table). Shared by the evaluator, the REST
 * API, the Prometheus rule export and the Settings screens.
 */
export const ALERT_KINDS = [
  "auth_failures",
  "jwks_forced_refresh",
  "jwks_unavailable",
  "obo_p99",
  "obo_error_rate",
  "rate_limit_client",
  "token_refresh_spike",
  "enforcer_silent",
  "enforcer_stale_config",
  "credential_expiring",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const SEVERITIES = ["info", "warning", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const severityRank = (s: string): number => Math.max(0, SEVERITIES.indexOf(s as Severity));

/** Reasons with their own auth-failure rule variant (issue 11); any ReasonCode is accepted. */
export const REASON_VARIANTS = ["unknown_kid", "jwks_unavailable", "audience_mismatch"] as const;

export interface KindInfo {
  title: string;
  /** How the value compares with the threshold: value > threshold, or value >= threshold. */
  op: ">" | ">=" | "<=";
  unit: string;
  threshold: number;
  windowMin: number;
  forMin: number;
  severity: Severity;
  /** One of the five DOMAIN.md thresholds: seeded enabled. */
  seededOn: boolean;
  /** True when the window is fixed by the kind (the UI shows it read-only). */
  fixedWindow?: boolean;
  maxThreshold?: number;
  cause: string;
  check: string;
}

export const KIND_INFO: Record<AlertKind, KindInfo> = {
  auth_failures: {
    title: "Authentication failures",
    op: ">",
    unit: "failures/min",
    threshold: 50,
    windowMin: 5,
    forMin: 0,
    severity: "warning",
    seededOn: true,
    cause:
      "Usually one misconfiguration rejecting every token: an audience mismatch (aud must match exactly, api:// prefix included), an ID token sent as an access token, clock skew, or a stale JWKS after key rotation.",
    check:
      "Open the Events explorer for the window and look at the top reason; compare the token's aud, iss and exp with the resource's policy.",
  },
  jwks_forced_refresh: {
    title: "Forced JWKS refreshes",
    op: ">",
    unit: "refreshes/min",
    threshold: 1,
    windowMin: 5,
    forMin: 0,
    severity: "warning",
    seededOn: true,
    cause:
      "Tokens arrive with a kid the cached JWKS does not hold: a key rotation in progress, tokens from another IdP or tenant, or random kids probing the server.",
    check:
      "Check the IdP's JWKS URI and recent key rotations; unknown_kid denials that persist after refreshes mean the tokens come from elsewhere.",
  },
  jwks_unavailable: {
    title: "JWKS unavailable",
    op: ">=",
    unit: "events",
    threshold: 1,
    windowMin: 5,
    forMin: 0,
    severity: "critical",
    seededOn: false,
    cause:
      "The enforcer could not fetch the IdP's keys (network, DNS, TLS or an IdP outage) and had no usable cached keys left.",
    check:
      "From the MCP server's host, fetch the JWKS URI of the IdP profile; check egress firewall and proxy settings.",
  },
  obo_p99: {
    title: "OBO exchange p99 latency",
    op: ">",
    unit: "ms",
    threshold: 2000,
    windowMin: 5,
    forMin: 0,
    severity: "warning",
    seededOn: true,
    cause: "The IdP's token endpoint is slow, or the OBO cache misses too often (keys by user token + target scope).",
    check: "Look at the OBO cache hit rate and the IdP's status page; a token endpoint in another region adds latency.",
  },
  obo_error_rate: {
    title: "OBO exchange error rate",
    op: ">",
    unit: "% of exchanges",
    threshold: 5,
    windowMin: 5,
    forMin: 0,
    severity: "warning",
    seededOn: false,
    maxThreshold: 100,
    cause:
      "Exchanges refused by the IdP: OBO consent missing (interaction_required / consent_required), a wrong downstream scope, or an expired client secret.",
    check: "Pre-grant admin consent for the downstream API; check the OBO client's secret and the requested scope.",
  },
  rate_limit_client: {
    title: "Rate-limit hits for one client",
    op: ">",
    unit: "hits/min",
    threshold: 10,
    windowMin: 5,
    forMin: 0,
    severity: "warning",
    seededOn: true,
    cause:
      "One client exceeds its per-client limits (tool invocations 100/min, resource reads 500/min): a runaway agent loop, or limits set too low for a legitimate workload.",
    check:
      "Find the client in the Events explorer; raise its limits in the resource's policy only if the load is expected.",
  },
  token_refresh_spike: {
    title: "Token refresh spike",
    op: ">",
    unit: "× 7-day hourly baseline",
    threshold: 5,
    windowMin: 60,
    forMin: 0,
    severity: "warning",
    seededOn: true,
    fixedWindow: true,
    cause:
      "A client obtains new access tokens far more often than usual: refresh token replay (invalid_grant on the second refresh), a lost token cache, or a stolen refresh token in use.",
    check:
      "Check that the client stores the new refresh token each time (one-time rotation); revoke its grants if the traffic is unexpected.",
  },
  enforcer_silent: {
    title: "Enforcer silent",
    op: ">",
    unit: "minutes",
    threshold: 2,
    windowMin: 1,
    forMin: 0,
    severity: "critical",
    seededOn: false,
    fixedWindow: true,
    cause:
      "An enforcer stopped sending heartbeats: its MCP server is down, or it cannot reach the control plane (network, revoked or expired credential).",
    check: "Check the MCP server process and its logs; the enforcer keeps enforcing its last good config meanwhile.",
  },
  enforcer_stale_config: {
    title: "Enforcer on a stale config",
    op: ">=",
    unit: "versions behind",
    threshold: 1,
    windowMin: 1,
    forMin: 5,
    severity: "warning",
    seededOn: false,
    fixedWindow: true,
    cause:
      "An enforcer keeps serving an older config version: it rejects the new bundle (signature or schema), or its long-poll cannot reach the control plane.",
    check: "Look at the instance's last error on the resource page; a rejected bundle names its reason there.",
  },
  credential_expiring: {
    title: "Credential or signing key expiring",
    op: "<=",
    unit: "days left",
    threshold: 14,
    windowMin: 1,
    forMin: 0,
    severity: "warning",
    seededOn: false,
    fixedWindow: true,
    cause:
      "An enforcer credential reaches its expiry date (the enforcer then loses config updates and telemetry), or the control plane's config signing key nears the end of its crypto-period (it is rotated automatically at the first publish after it; enforcers that pin the JWKS must then be given the new one).",
    check:
      "For a credential: issue a new one on the resource page, deploy it, then revoke the old one. For the signing key: rotate it at a planned time (POST /api/v1/config/signing-keys/rotate) and update pinned JWKS copies; the old key stays published for 30 days.",
  },
};

const reasonSet = new Set<string>(ALL_REASON_CODES);
const Minutes = (label: string, max: number) =>
  z.coerce
    .number({ error: `${label} must be a number.` })
    .int(`${label} must be whole minutes.`)
    .min(0, `${label} cannot be negative.`)
    .max(max, `${label} is at most ${max} minutes.`);

const RuleFields = {
  name: z.string().trim().min(1, "Enter a name.").max(100, "At most 100 characters."),
  threshold: z.coerce
    .number({ error: "Enter a number." })
    .refine(Number.isFinite, "Enter a number.")
    .gt(0, "The threshold must be greater than 0."),
  windowMin: Minutes("The window", 1440).min(1, "The window is at least 1 minute."),
  forMin: Minutes("The pending time", 1440),
  resolveMin: Minutes("The resolve window", 1440),
  renotifyMin: Minutes("The re-notify interval", 10080),
  severity: z.enum(SEVERITIES, { error: "Pick info, warning or critical." }),
  enabled: z.boolean(),
  channelIds: z.array(z.string().min(1).max(64)).max(20, "At most 20 channels."),
};

export const AlertRuleCreate = z.object({
  kind: z.enum(ALERT_KINDS, { error: `Pick one of: ${ALERT_KINDS.join(", ")}.` }),
  reason: z
    .string()
    .default("")
    .refine((v) => v === "" || reasonSet.has(v), "Unknown reason: use one of the enforcer's reason codes."),
  resourceId: z.string().max(64).default(""),
  ...RuleFields,
  name: RuleFields.name.optional(),
  windowMin: RuleFields.windowMin.optional(),
  forMin: RuleFields.forMin.optional(),
  resolveMin: RuleFields.resolveMin.default(2),
  renotifyMin: RuleFields.renotifyMin.default(0),
  threshold: RuleFields.threshold.optional(),
  severity: RuleFields.severity.optional(),
  enabled: RuleFields.enabled.default(true),
  channelIds: RuleFields.channelIds.default([]),
});
export type AlertRuleCreate = z.infer<typeof AlertRuleCreate>;

export const AlertRuleUpdate = z.object(RuleFields).partial();
export type AlertRuleUpdate = z.infer<typeof AlertRuleUpdate>;

/** Placeholders a channel template may use; anything else is refused so a typo does not ship silently. */
export const TEMPLATE_FIELDS = ["rule", "state", "resource", "key", "value", "threshold", "severity", "url"] as const;
export const TEMPLATE_MAX = 2000;

const Template = z
  .string()
  .max(TEMPLATE_MAX, `The template is at most ${TEMPLATE_MAX} characters.`)
  .default("")
  .superRefine((v, ctx) => {
    for (const m of v.matchAll(/\{\{\s*([^}\s]*)\s*\}\}/g)) {
      if (!(TEMPLATE_FIELDS as readonly string[]).includes(m[1] ?? ""))
        ctx.addIssue({
          code: "custom",
          message: `Unknown placeholder {{${m[1]}}}: use ${TEMPLATE_FIELDS.join(", ")}.`,
        });
    }
  });

const Recipients = z
  .string()
  .trim()
  .min(1, "Enter at least one address.")
  .max(1000)
  .superRefine((v, ctx) => {
    const list = v.split(/[,\s]+/).filter(Boolean);
    if (list.length > 20) ctx.addIssue({ code: "custom", message: "At most 20 recipients." });
    for (const a of list)
      if (!z.email().safeParse(a).success) ctx.addIssue({ code: "custom", message: `Not an email address: ${a}` });
  });

const Url = z.string().trim().min(1, "Enter the URL.").max(2000, "At most 2000 characters.");
const ChannelCommon = {
  name: z.string().trim().min(1, "Enter a name.").max(100, "At most 100 characters."),
  minSeverity: z.enum(SEVERITIES).default("info"),
  template: Template,
  enabled: z.boolean().default(true),
};

export const AlertChannelCreate = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("webhook"), url: Url, ...ChannelCommon }),
    z.object({ kind: z.literal("slack"), url: Url, ...ChannelCommon }),
    z.object({ kind: z.literal("email"), to: Recipients, ...ChannelCommon }),
  ],
  { error: "Pick webhook, slack or email." },
);
export type AlertChannelCreate = z.infer<typeof AlertChannelCreate>;

export const AlertChannelUpdate = z.object({
  name: ChannelCommon.name.optional(),
  minSeverity: z.enum(SEVERITIES).optional(),
  template: Template.optional(),
  enabled: z.boolean().optional(),
  url: Url.optional(),
  to: Recipients.optional(),
});
export type AlertChannelUpdate = z.infer<typeof AlertChannelUpdate>;

export const AlertAcknowledge = z.object({ note: z.string().trim().max(500, "At most 500 characters.").default("") });

export const ALERT_STATES = ["pending", "firing", "acknowledged", "resolved"] as const;
export const AlertListQuery = z.object({
  state: z.enum([...ALERT_STATES, "open"]).optional(),
  ruleId: z.string().max(64).optional(),
  resourceId: z.string().max(64).optional(),
  kind: z.enum(ALERT_KINDS).optional(),
  // Bounded like every date input (issue 23 §4): a year the database cannot store is a 422 on the field.
  from: BoundedIsoDateTime.optional(),
  to: BoundedIsoDateTime.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AlertListQuery = z.infer<typeof AlertListQuery>;

/** The Events explorer filter that shows what an alert of this kind counted (null: not telemetry-based). */
export function eventsFilterOf(kind: string, reason: string, key: string): Record<string, string> | null {
  switch (kind) {
    case "auth_failures":
      return { type: "decision", outcome: "deny", ...(reason ? { reason } : {}) };
    case "jwks_forced_refresh":
      return { type: "jwks_refresh" };
    case "jwks_unavailable":
      return { type: "decision", outcome: "deny", reason: "jwks_unavailable" };
    case "obo_p99":
      return { type: "obo_exchange" };
    case "obo_error_rate":
      return { type: "obo_exchange", outcome: "error" };
    case "rate_limit_client":
      return { type: "rate_limit", client: key };
    case "token_refresh_spike":
      return { type: "decision", outcome: "allow", client: key };
    default:
      return null;
  }
}

/** Events explorer link for an alert's window (UTC ISO), pre-filtered to its reason or client. */
export function alertEventsHref(
  a: { kind: string; reason: string; key: string; resourceId: string; startedAt: string; resolvedAt: string | null },
  windowMin: number,
  nowMs: number,
): string | null {
  const filter = eventsFilterOf(a.kind, a.reason, a.key);
  if (!filter) return null;
  const from = new Date(Date.parse(a.startedAt) - windowMin * 60_000);
  const to = a.resolvedAt ? new Date(Date.parse(a.resolvedAt) + 60_000) : new Date(nowMs + 60_000);
  const params = new URLSearchParams({
    ...(a.resourceId ? { resource: a.resourceId } : {}),
    ...filter,
    range: "all",
    from: from.toISOString(),
    to: to.toISOString(),
  });
  return `/events?${params.toString()}`;
}
