import "server-only";
import { ALL_REASON_CODES } from "@/lib/enforcer/errors";
import { ALERT_KINDS, KIND_INFO, REASON_VARIANTS } from "@/lib/schemas/alerts";
import type { ConfigDocument } from "@/lib/schemas/config-document";
import type { ResourceDraft } from "@/lib/schemas/resources";
import type { FieldErrors } from "../errors";
import { normalizeResourceUri } from "../resources/normalize-uri";
import { addError, invalidDocument } from "./parse";
import type { CurrentState } from "./state";
import {
  byName,
  type ChannelView,
  compareRules,
  draftOfDoc,
  type IdpView,
  idpViewOfDoc,
  type ResourceView,
  type RuleView,
  resourceViewOf,
  ruleKey,
  ruleView,
} from "./views";

/**
 * What a document asks for, checked against itself and the current state: duplicates, dangling references
 * (IdP profile, resource and channel names; scopes a tool, method or baseline names), and the rules the
 * dashboard enforces. Every problem is named by its path. A section that is absent stays unmanaged (null).
 */
export interface DesiredState {
  idps: Map<string, IdpView> | null;
  resources: Map<string, { view: ResourceView; draft: ResourceDraft }> | null;
  rules: Map<string, RuleView> | null;
  channels: Map<string, ChannelView> | null;
}

const reasons = new Set<string>(ALL_REASON_CODES);
/**
 * The fleet-wide rules every start seeds again (ensureDefaultAlertRules): a document may change them, but one
 * that leaves them out leaves them as they are (a delete would not last past the next start).
 */
export const BUILT_IN_RULES = new Set([
  ...ALERT_KINDS.map((kind) => ruleKey({ kind })),
  ...REASON_VARIANTS.map((reason) => ruleKey({ kind: "auth_failures", reason })),
]);

function checkScopes(errors: FieldErrors, at: (string | number)[], draft: ResourceDraft): void {
  const defined = new Set(draft.scopes.map((s) => s.name));
  const seen = new Set<string>();
  draft.scopes.forEach((s, i) => {
    if (seen.has(s.name)) addError(errors, [...at, "policy", "scopes", i, "name"], `Scope ${s.name} is listed twice.`);
    seen.add(s.name);
  });
  const unknown = (name: string) => `Unknown scope ${name}: define it in policy.scopes first.`;
  for (const [method, rule] of Object.entries(draft.methods))
    rule.anyOf.forEach((s, k) => {
      if (!defined.has(s)) addError(errors, [...at, "policy", "methods", method, "anyOf", k], unknown(s));
    });
  draft.baselineScopes.forEach((s, k) => {
    if (!defined.has(s)) addError(errors, [...at, "policy", "baselineScopes", k], unknown(s));
  });
  const tools = new Set<string>();
  draft.tools.forEach((t, j) => {
    if (tools.has(t.name)) addError(errors, [...at, "tools", j, "name"], `Tool ${t.name} is listed twice.`);
    tools.add(t.name);
    t.scopes.forEach((s, k) => {
      if (!defined.has(s)) addError(errors, [...at, "tools", j, "scopes", k], unknown(s));
    });
  });
  const downstreams = new Set<string>();
  draft.downstreams.forEach((d, j) => {
    if (downstreams.has(d.name))
      addError(errors, [...at, "downstreams", j, "name"], `Downstream ${d.name} is listed twice.`);
    downstreams.add(d.name);
  });
}

function desiredIdps(
  doc: ConfigDocument,
  state: CurrentState,
  errors: FieldErrors,
  prune: boolean,
): DesiredState["idps"] {
  if (!doc.idpProfiles) return null;
  const out = new Map<string, IdpView>();
  const usedBy = (profile: string) => [...state.resources.values()].filter((r) => r.view.idpProfile === profile);
  doc.idpProfiles.forEach((p, i) => {
    if (out.has(p.name)) addError(errors, ["idpProfiles", i, "name"], `IdP profile ${p.name} is listed twice.`);
    const current = state.idps.get(p.name);
    // As in the dashboard: resources' audiences and scopes are written for one IdP kind.
    if (current && current.kind !== p.kind && usedBy(p.name).length > 0)
      addError(
        errors,
        ["idpProfiles", i, "kind"],
        `Resources use IdP profile ${p.name}: its kind cannot change. Add a new profile instead.`,
      );
    out.set(p.name, idpViewOfDoc(p));
  });
  // Profiles left out are deleted only when pruning; then none may be one a kept resource uses.
  for (const [name, r] of prune ? state.archived : [])
    if (!out.has(r.idpProfile))
      addError(
        errors,
        ["idpProfiles"],
        `IdP profile ${r.idpProfile} is used by the archived resource ${name}: keep the profile (or delete ${name} in the dashboard).`,
      );
  // Resources the document does not manage keep their profile: it cannot disappear or change kind under them.
  if (prune && !doc.resources)
    for (const [name, r] of state.resources)
      if (!out.has(r.view.idpProfile))
        addError(
          errors,
          ["idpProfiles"],
          `IdP profile ${r.view.idpProfile} is used by resource ${name}, which this document does not manage: keep the profile.`,
        );
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function desiredResources(doc: ConfigDocument, state: CurrentState, idps: DesiredState["idps"], errors: FieldErrors) {
  if (!doc.resources) return null;
  const out = new Map<string, { view: ResourceView; draft: ResourceDraft }>();
  const uris = new Map<string, string>();
  doc.resources.forEach((r, i) => {
    if (out.has(r.name)) addError(errors, ["resources", i, "name"], `Resource ${r.name} is listed twice.`);
    if (state.archived.has(r.name))
      addError(
        errors,
        ["resources", i, "name"],
        `Resource ${r.name} is archived: restore it in the dashboard first, or choose another name.`,
      );
    const norm = normalizeResourceUri(r.uri);
    if (!norm.ok) addError(errors, ["resources", i, "uri"], norm.error);
    else if (uris.has(norm.uri))
      addError(errors, ["resources", i, "uri"], `Resource ${uris.get(norm.uri)} already has this URI.`);
    else uris.set(norm.uri, r.name);
    const archivedHolder = norm.ok ? [...state.archived].find(([, a]) => a.uri === norm.uri)?.[0] : undefined;
    if (archivedHolder && archivedHolder !== r.name)
      addError(
        errors,
        ["resources", i, "uri"],
        `The archived resource ${archivedHolder} has this URI: delete it in the dashboard first.`,
      );
    const known = idps ? idps.has(r.idpProfile) : state.idps.has(r.idpProfile);
    if (!known)
      addError(
        errors,
        ["resources", i, "idpProfile"],
        `No IdP profile named ${r.idpProfile}${idps ? " in this document" : ""}.`,
      );
    const draft = draftOfDoc(r);
    checkScopes(errors, ["resources", i], draft);
    out.set(r.name, { draft, view: resourceViewOf(r.name, norm.ok ? norm.uri : r.uri, r.idpProfile, draft) });
  });
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function desiredRules(
  doc: ConfigDocument,
  state: CurrentState,
  resources: DesiredState["resources"],
  errors: FieldErrors,
) {
  if (!doc.alertRules) return null;
  const out = new Map<string, RuleView>();
  doc.alertRules.forEach((r, i) => {
    const at = ["alertRules", i];
    const view = ruleView(r);
    if (out.has(ruleKey(view)))
      addError(errors, at, `Another rule has the same kind, reason and resource (${ruleKey(view)}).`);
    const info = KIND_INFO[r.kind];
    if (r.reason && r.kind !== "auth_failures")
      addError(errors, [...at, "reason"], "Only authentication-failure rules take a reason.");
    else if (r.reason && !reasons.has(r.reason))
      addError(errors, [...at, "reason"], `Unknown reason code ${r.reason}.`);
    if (info.maxThreshold !== undefined && r.threshold > info.maxThreshold)
      addError(errors, [...at, "threshold"], `The threshold is at most ${info.maxThreshold} ${info.unit}.`);
    if (info.fixedWindow && r.windowMin !== info.windowMin)
      addError(errors, [...at, "windowMin"], `This kind's window is fixed at ${info.windowMin} minute(s).`);
    if (r.resource && !(resources ? resources.has(r.resource) : state.resources.has(r.resource)))
      addError(errors, [...at, "resource"], `No resource named ${r.resource}${resources ? " in this document" : ""}.`);
    r.channels.forEach((c, k) => {
      if (!state.channels.has(c))
        addError(
          errors,
          [...at, "channels", k],
          `No alert channel named ${c}: create it (with its URL) in Settings → Alert rules first.`,
        );
    });
    out.set(ruleKey(view), view);
  });
  return new Map([...out].sort(([, a], [, b]) => compareRules(a, b)));
}

function desiredChannels(doc: ConfigDocument, state: CurrentState, errors: FieldErrors) {
  if (!doc.alertChannels) return null;
  const out = new Map<string, ChannelView>();
  doc.alertChannels.forEach((c, i) => {
    const current = state.channels.get(c.name);
    if (out.has(c.name)) addError(errors, ["alertChannels", i, "name"], `Channel ${c.name} is listed twice.`);
    if (!current)
      addError(
        errors,
        ["alertChannels", i, "name"],
        `No alert channel named ${c.name}: channels hold secrets, so create it in Settings → Alert rules first.`,
      );
    else if (current.view.kind !== c.kind)
      addError(
        errors,
        ["alertChannels", i, "kind"],
        `Channel ${c.name} is a ${current.view.kind} channel; its kind cannot change.`,
      );
    out.set(c.name, {
      name: c.name,
      kind: c.kind,
      ...(current ? { target: current.view.target } : {}),
      secrets: "control-plane",
      minSeverity: c.minSeverity,
      template: c.template,
      enabled: c.enabled,
    });
  });
  return new Map([...out].sort(([, a], [, b]) => byName(a, b)));
}

export function desiredStateOf(doc: ConfigDocument, state: CurrentState, prune = true): DesiredState {
  const errors: FieldErrors = {};
  const idps = desiredIdps(doc, state, errors, prune);
  const resources = desiredResources(doc, state, idps, errors);
  // A resource left out is archived, not deleted: it keeps its profile.
  if (prune && idps && resources)
    for (const [name, r] of state.resources)
      if (!resources.has(name) && !idps.has(r.view.idpProfile))
        addError(
          errors,
          ["idpProfiles"],
          `IdP profile ${r.view.idpProfile} is used by ${name}, which this apply archives: keep the profile.`,
        );
  const rules = desiredRules(doc, state, resources, errors);
  const channels = desiredChannels(doc, state, errors);
  if (Object.keys(errors).length) throw invalidDocument(errors);
  return { idps, resources, rules, channels };
}
