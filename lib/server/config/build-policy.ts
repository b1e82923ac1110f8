import "server-only";
import type { z } from "zod";
import { idpOrigins } from "@/lib/enforcer/obo/endpoint-guard";
import {
  type ClaimSettings,
  ConfigBundle,
  deriveBaselineScopes,
  type EnforcerPolicy,
  type EnforcerPolicyInput,
  requiredPolicyScopes,
} from "@/lib/enforcer/policy";
import { adminMessage } from "@/lib/schemas/error-map";
import { ClaimProfile } from "@/lib/schemas/idp-profiles";
import { ResourceDraft } from "@/lib/schemas/resources";
import { AppError, type FieldErrors } from "../errors";
import { derivedTokenEndpoint } from "../idp-profiles/derive";
import { tokenEndpointOriginProblem } from "../idp-profiles/token-endpoint-origin";

/** What a publish reads: the resource row, its IdP profile row and the stored draft (unparsed JSON). */
export interface PublishSource {
  resource: { id: string; name: string; uri: string };
  idp: {
    name: string;
    kind: string;
    issuers: string;
    jwksUri: string;
    algorithms: string;
    requireTokenType: string | null;
    /** The profile's settings JSON (its `claimProfile` is published as `idp.claims`). */
    settings?: string;
    discoveryUrl?: string;
  };
  draft: string;
}

/**
 * Issue 13 #2: the IdP profile's claim settings as the enforcer reads them. A profile saved before claim settings
 * existed (or a stored value that no longer parses) publishes none, and the enforcer keeps the kind's preset.
 */
function settingsJson(settings: string | undefined): Record<string, unknown> {
  if (!settings) return {};
  try {
    const raw: unknown = JSON.parse(settings);
    return raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function claimSettingsOf(settings: string | undefined): ClaimSettings | undefined {
  const claim = ClaimProfile.safeParse(settingsJson(settings).claimProfile);
  if (!claim.success) return undefined;
  const { scopeClaims, clientIdClaims, rolesClaim, tokenVersions } = claim.data;
  return { scopeClaims, clientIdClaims, rolesClaim, tokenVersions };
}

function parseJsonField(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_input", `The stored ${field} is not valid JSON.`, {
      fieldErrors: { [field]: ["not valid JSON"] },
    });
  }
}

function invalid(message: string, fieldErrors: FieldErrors): never {
  const first = Object.entries(fieldErrors)[0];
  const detail = first ? ` ${first[0]}: ${first[1].join("; ")}` : "";
  throw new AppError("invalid_input", `${message}${detail}`, { fieldErrors });
}

function issuesToFields(prefix: string, issues: z.core.$ZodIssue[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const key = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    out[key] = [...(out[key] ?? []), adminMessage(issue)];
  }
  return out;
}

/**
 * Freeze a resource's draft into the enforcer's policy. The result is validated with the enforcer's
 * own `ConfigBundle` schema (one schema on both sides), so nothing the enforcer would refuse is ever
 * signed. Any problem is a 422 whose message and field paths name it.
 */
export function buildPolicy(source: PublishSource): EnforcerPolicy {
  const draftResult = ResourceDraft.safeParse(parseJsonField(source.draft, "draft"));
  if (!draftResult.success) invalid("The draft is invalid.", issuesToFields("draft", draftResult.error.issues));
  const draft = draftResult.data;
  const profileAlgs = parseJsonField(source.idp.algorithms, "idp.algorithms");
  const idpAlgs = Array.isArray(profileAlgs) ? profileAlgs.map(String) : [];
  // The resource's allowlist, narrowed to what the IdP profile says its keys use: an algorithm the
  // IdP never signs with only widens the attack surface (RFC 8725 §3.1).
  const algorithms = draft.algorithms.filter((a) => idpAlgs.length === 0 || idpAlgs.includes(a));
  if (algorithms.length === 0) {
    invalid("No allowed algorithm is left.", {
      "draft.algorithms": [
        `none of ${draft.algorithms.join(", ")} is used by the IdP profile "${source.idp.name}" (${idpAlgs.join(", ")})`,
      ],
    });
  }
  const seen = new Set<string>();
  for (const [i, tool] of draft.tools.entries()) {
    if (seen.has(tool.name))
      invalid("Duplicate tool.", { [`draft.tools.${i}.name`]: [`"${tool.name}" is listed twice`] });
    seen.add(tool.name);
  }
  const defined = new Set(draft.scopes.map((s) => s.name));
  const undefinedBaseline = draft.baselineScopes.filter((s) => !defined.has(s));
  if (undefinedBaseline.length > 0) {
    invalid("Unknown baseline scope.", {
      "draft.baselineScopes": [`${undefinedBaseline.join(", ")} is not one of the resource's scopes`],
    });
  }
  // Issue 20: the baseline travels in the bundle (derived when the admin left it empty), and scopes_supported is
  // every scope a client may be asked for: clients register with it, and an IdP that holds a client to its
  // registered scopes refuses a step-up to one it never saw.
  const scopeSources = { methods: draft.methods, tools: draft.tools, unlistedTools: draft.unlistedTools };
  const baselineScopes = draft.baselineScopes.length > 0 ? draft.baselineScopes : deriveBaselineScopes(scopeSources);
  const scopesSupported = [
    ...new Set([...defined, ...requiredPolicyScopes({ ...scopeSources, baselineScopes }).keys()]),
  ];
  const claims = claimSettingsOf(source.idp.settings);
  // Issue 13 #1: downstream APIs, their token endpoint derived from the IdP profile unless the admin set one.
  const obo = draft.downstreams.map((d, i) => {
    const tokenEndpoint = d.tokenEndpoint ?? derivedTokenEndpoint(source.idp.kind, settingsJson(source.idp.settings));
    if (!tokenEndpoint) {
      invalid("A downstream API has no token endpoint.", {
        [`draft.downstreams.${i}.tokenEndpoint`]: [
          `enter the token endpoint of "${d.name}": it cannot be derived from a generic OIDC profile`,
        ],
      });
    }
    const offOrigin = tokenEndpointOriginProblem(tokenEndpoint, {
      ...source.idp,
      settings: source.idp.settings ?? "{}",
    });
    if (offOrigin)
      invalid("A downstream API's token endpoint is not the IdP's.", {
        [`draft.downstreams.${i}.tokenEndpoint`]: [offOrigin],
      });
    return {
      name: d.name,
      grant: d.grant,
      scope: d.scope,
      ...(d.audience ? { audience: d.audience } : {}),
      tokenEndpoint,
      clientId: d.clientId,
      clientAuth: d.clientAuth,
      secretFrom: d.secretFrom.env !== undefined ? { env: d.secretFrom.env } : { file: d.secretFrom.file ?? "" },
    };
  });
  const issuers = parseJsonField(source.idp.issuers, "idp.issuers");
  const issuerList = Array.isArray(issuers) ? issuers.map(String) : [];
  const policy: EnforcerPolicyInput = {
    schemaVersion: 1,
    resource: {
      uri: source.resource.uri,
      name: source.resource.name,
      ...(draft.documentationUrl ? { documentationUrl: draft.documentationUrl } : {}),
      allowedOrigins: draft.allowedOrigins,
    },
    idp: {
      kind: source.idp.kind as EnforcerPolicyInput["idp"]["kind"],
      issuers: issuerList,
      jwksUri: source.idp.jwksUri,
      audiences: draft.audiences,
      algorithms,
      clockToleranceSec: draft.clockToleranceSec,
      maxTokenLifetimeSec: draft.maxTokenLifetimeSec,
      ...(source.idp.requireTokenType === "at+jwt" ? { requireTokenType: "at+jwt" as const } : {}),
      ...(claims ? { claims } : {}),
      // RFC 9728 §2: the authorization servers a client may use are the IdP's issuers.
      authorizationServers: issuerList,
    },
    scopesSupported,
    baselineScopes,
    methods: draft.methods,
    tools: draft.tools.map((t) => ({
      name: t.name,
      enabled: t.enabled,
      scopes: t.scopes,
      ...(t.description ? { description: t.description } : {}),
    })),
    unlistedTools: draft.unlistedTools,
    toolsNeedingScope: draft.toolsNeedingScope,
    rateLimits: draft.rateLimits,
    obo,
  };
  return validatePolicy(policy, source.resource.id);
}

/** Validate a policy exactly as the enforcer will (inside a bundle); used for publish and rollback. */
export function validatePolicy(policy: unknown, resourceId: string): EnforcerPolicy {
  const probe = ConfigBundle.safeParse({
    version: 1,
    resourceId,
    publishedAt: new Date().toISOString(),
    publishedBy: "validation",
    policy,
  });
  if (!probe.success)
    invalid("The policy does not pass the enforcer's schema.", issuesToFields("", probe.error.issues));
  // Security: also for a rollback to a bundle signed before token endpoints were bound to the IdP's origins.
  const origins = idpOrigins(probe.data.policy.idp);
  probe.data.policy.obo.forEach((d, i) => {
    if (!origins.has(new URL(d.tokenEndpoint).origin))
      invalid("A downstream API's token endpoint is not the IdP's.", {
        [`obo.${i}.tokenEndpoint`]: [`${d.tokenEndpoint} is not on the IdP's origin (${[...origins].join(", ")})`],
      });
  });
  return probe.data.policy;
}
