import "server-only";
import { ConfigBundle } from "@/lib/enforcer/policy";
import type { ResourceDraft } from "@/lib/schemas/resources";
import { toRuleDto } from "../alerts/rules";
import { buildPolicy } from "../config/build-policy";
import { diffJson } from "../config/diff";
import { publishIdpSelect } from "../config/draft-policy";
import type { Db, Tx } from "../db";
import { idpProfileSelect, toIdpProfileDto } from "../idp-profiles/dto";
import { parseDraft } from "../resources/dto";
import {
  type ChannelView,
  compareRules,
  type IdpView,
  idpViewOf,
  type ResourceView,
  type RuleView,
  resourceViewOf,
  ruleKey,
  ruleView,
} from "./views";

/**
 * The control plane's managed configuration as it is now, keyed by the names a document uses. Read in
 * the apply transaction itself, so the plan that is applied is the plan of the state it changes.
 */
export interface CurrentState {
  idps: Map<
    string,
    { id: string; view: IdpView; kind: string; jwksUri: string; issuers: string; discoveryUrl: string }
  >;
  resources: Map<
    string,
    {
      id: string;
      view: ResourceView;
      draft: ResourceDraft;
      publishedVersion: number | null;
      unpublishedChanges: boolean;
    }
  >;
  rules: Map<string, { id: string; view: RuleView }>;
  channels: Map<string, { id: string; view: ChannelView }>;
  /** Archived resources are not managed (restore or delete them in the dashboard); their names, URIs and profiles stay taken. */
  archived: Map<string, { uri: string; idpProfile: string }>;
}

/** Whether the draft would publish something other than the newest version (content, not timestamps). */
function hasUnpublishedChanges(source: Parameters<typeof buildPolicy>[0], latestBundle: string | null): boolean {
  if (latestBundle === null) return true;
  try {
    const published = ConfigBundle.parse(JSON.parse(latestBundle)).policy;
    return diffJson(published, buildPolicy(source)).length > 0;
  } catch {
    // A draft that cannot be published (yet) differs from whatever is published.
    return true;
  }
}

export async function readState(client: Db | Tx): Promise<CurrentState> {
  const [idpRows, resourceRows, ruleRows, channelRows] = await Promise.all([
    client.idpProfile.findMany({ select: idpProfileSelect, orderBy: { name: "asc" } }),
    client.mcpResource.findMany({
      orderBy: { name: "asc" },
      select: {
        id: true,
        name: true,
        uri: true,
        draft: true,
        archivedAt: true,
        idpProfile: { select: publishIdpSelect },
        versions: { orderBy: { version: "desc" }, take: 1, select: { version: true, bundle: true } },
      },
    }),
    client.alertRule.findMany(),
    client.alertChannel.findMany({ orderBy: { name: "asc" } }),
  ]);
  const state: CurrentState = {
    idps: new Map(),
    resources: new Map(),
    rules: new Map(),
    channels: new Map(),
    archived: new Map(),
  };
  for (const row of idpRows) {
    const dto = toIdpProfileDto(row);
    state.idps.set(row.name, {
      id: row.id,
      kind: row.kind,
      jwksUri: row.jwksUri,
      issuers: row.issuers,
      discoveryUrl: row.discoveryUrl,
      view: idpViewOf(row.name, dto.settings, dto.algorithms, dto.claimProfile),
    });
  }
  const resourceNames = new Map<string, string>();
  for (const row of resourceRows) {
    resourceNames.set(row.id, row.name);
    if (row.archivedAt) {
      state.archived.set(row.name, { uri: row.uri, idpProfile: row.idpProfile.name });
      continue;
    }
    const draft = parseDraft(row.draft);
    const latest = row.versions[0] ?? null;
    state.resources.set(row.name, {
      id: row.id,
      draft,
      view: resourceViewOf(row.name, row.uri, row.idpProfile.name, draft),
      publishedVersion: latest?.version ?? null,
      unpublishedChanges: hasUnpublishedChanges(
        { resource: { id: row.id, name: row.name, uri: row.uri }, idp: row.idpProfile, draft: row.draft },
        latest?.bundle ?? null,
      ),
    });
  }
  const channelNames = new Map<string, string>();
  for (const row of channelRows) {
    channelNames.set(row.id, row.name);
    state.channels.set(row.name, {
      id: row.id,
      view: {
        name: row.name,
        kind: row.kind as ChannelView["kind"],
        target: row.target,
        secrets: "control-plane",
        minSeverity: row.minSeverity as ChannelView["minSeverity"],
        template: row.template,
        enabled: row.enabled,
      },
    });
  }
  const rules = ruleRows.map((row) => {
    const dto = toRuleDto(row);
    const view = ruleView({
      ...dto,
      severity: dto.severity as RuleView["severity"],
      // A rule of a resource that no longer exists keeps its id as the name: plan shows and removes it.
      resource: dto.resourceId ? (resourceNames.get(dto.resourceId) ?? `#${dto.resourceId}`) : undefined,
      channels: dto.channelIds.map((id) => channelNames.get(id) ?? `#${id}`),
    });
    return { id: row.id, view };
  });
  for (const r of rules.sort((a, b) => compareRules(a.view, b.view))) state.rules.set(ruleKey(r.view), r);
  return state;
}
