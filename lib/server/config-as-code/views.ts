import { RateLimits } from "@/lib/enforcer/policy";
import type { AlertChannelDoc, AlertRuleDoc, IdpProfileDoc, ResourceDoc } from "@/lib/schemas/config-document";
import { type ClaimProfile, IdpKindSettings } from "@/lib/schemas/idp-profiles";
import { ResourceDraft } from "@/lib/schemas/resources";
import { DEFAULT_ALGORITHMS, defaultClaimProfile } from "../idp-profiles/derive";
import type { IdpSettings } from "../idp-profiles/types";

/**
 * The canonical view of each managed object: what an export writes and what plan compares. Built the same
 * way from a database row and from a document (defaults filled, lists of named things sorted by name, map
 * keys sorted), so an unchanged object compares equal whatever order or omissions the file had.
 */
export interface IdpView {
  name: string;
  kind: string;
  [kindField: string]: unknown;
}
export interface ResourceView {
  name: string;
  uri: string;
  idpProfile: string;
  audiences: string[];
  algorithms: string[];
  clockToleranceSec: number;
  maxTokenLifetimeSec: number;
  documentationUrl?: string;
  allowedOrigins: string[];
  policy: {
    scopes: { name: string; description: string }[];
    methods: Record<string, { anyOf: string[]; enabled?: boolean }>;
    rateLimits: RateLimits;
    baselineScopes: string[];
    toolsNeedingScope: "show" | "hide";
    unlistedTools: "deny" | "allow";
  };
  tools: ResourceDraft["tools"];
  downstreams: ResourceDraft["downstreams"];
}
export type RuleView = Omit<AlertRuleDoc, "reason" | "resource"> & { reason?: string; resource?: string };
export type ChannelView = Required<Omit<AlertChannelDoc, "target">> & { target?: string };

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const sortedKeys = <V>(o: Record<string, V>): Record<string, V> =>
  Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k] as V]),
  );

/** An IdP profile from its stored kind settings (with overrides) and algorithms. */
export function idpViewOf(
  name: string,
  settings: IdpSettings,
  algorithms: string[],
  claimProfile: Partial<ClaimProfile> | undefined,
): IdpView {
  const { overrides = {}, ...kindSettings } = settings;
  // Strips anything stored beside the kind inputs (the claim profile lives in its own field). A stored row that
  // no longer parses is exported as it is: plan then names what to fix instead of the export failing.
  const parsed = IdpKindSettings.safeParse(kindSettings);
  const kind = parsed.success ? parsed.data : (kindSettings as IdpKindSettings);
  return {
    name,
    ...kind,
    ...(overrides.issuers?.length ? { issuers: overrides.issuers } : {}),
    ...(overrides.discoveryUrl ? { discoveryUrl: overrides.discoveryUrl } : {}),
    ...(overrides.jwksUri ? { jwksUri: overrides.jwksUri } : {}),
    algorithms: algorithms.length ? algorithms : DEFAULT_ALGORITHMS,
    claimProfile: { ...defaultClaimProfile(kind), ...claimProfile },
  };
}

export function idpViewOfDoc(doc: IdpProfileDoc): IdpView {
  const { name, issuers, discoveryUrl, jwksUri, algorithms, claimProfile, ...kind } = doc;
  return idpViewOf(
    name,
    { ...(kind as IdpKindSettings), overrides: { issuers, discoveryUrl, jwksUri } },
    algorithms ?? [],
    claimProfile,
  );
}

/** A resource from its name, canonical URI, IdP profile name and draft. */
export function resourceViewOf(name: string, uri: string, idpProfile: string, draft: ResourceDraft): ResourceView {
  return {
    name,
    uri,
    idpProfile,
    audiences: draft.audiences,
    algorithms: draft.algorithms,
    clockToleranceSec: draft.clockToleranceSec,
    maxTokenLifetimeSec: draft.maxTokenLifetimeSec,
    ...(draft.documentationUrl ? { documentationUrl: draft.documentationUrl } : {}),
    allowedOrigins: draft.allowedOrigins,
    policy: {
      scopes: draft.scopes.map((s) => ({ name: s.name, description: s.description })),
      methods: sortedKeys(draft.methods),
      rateLimits: draft.rateLimits,
      baselineScopes: draft.baselineScopes,
      toolsNeedingScope: draft.toolsNeedingScope,
      unlistedTools: draft.unlistedTools,
    },
    tools: draft.tools
      .map((t) => ({
        name: t.name,
        enabled: t.enabled,
        scopes: t.scopes,
        ...(t.description !== undefined ? { description: t.description } : {}),
      }))
      .sort(byName),
    downstreams: [...draft.downstreams].sort(byName),
  };
}

/** The draft fields a document sets (the rest of a stored draft, e.g. fields newer than the file, is kept). */
export function draftOfDoc(doc: ResourceDoc): ResourceDraft {
  const p = doc.policy ?? {};
  return ResourceDraft.parse({
    audiences: doc.audiences,
    algorithms: doc.algorithms,
    clockToleranceSec: doc.clockToleranceSec,
    maxTokenLifetimeSec: doc.maxTokenLifetimeSec,
    documentationUrl: doc.documentationUrl,
    allowedOrigins: doc.allowedOrigins,
    scopes: p.scopes,
    methods: p.methods,
    rateLimits: p.rateLimits ? RateLimits.parse(p.rateLimits) : undefined,
    baselineScopes: p.baselineScopes,
    toolsNeedingScope: p.toolsNeedingScope,
    unlistedTools: p.unlistedTools,
    tools: doc.tools,
    downstreams: doc.downstreams,
  });
}

export function ruleKey(r: { kind: string; reason?: string; resource?: string }): string {
  return `${r.kind}/${r.reason ?? ""}/${r.resource ?? ""}`;
}

export function ruleView(r: RuleView): RuleView {
  return {
    kind: r.kind,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.resource ? { resource: r.resource } : {}),
    name: r.name,
    threshold: r.threshold,
    windowMin: r.windowMin,
    forMin: r.forMin,
    resolveMin: r.resolveMin,
    renotifyMin: r.renotifyMin,
    severity: r.severity,
    enabled: r.enabled,
    channels: [...r.channels].sort(),
  };
}

export const compareRules = (a: RuleView, b: RuleView) => {
  const ka = ruleKey(a);
  const kb = ruleKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};
export { byName };
