import "server-only";
import { type EnforcerPolicy, resourceMetadataUrl } from "@/lib/enforcer";
import type { PolicyVersionChoice } from "@/lib/schemas/debug";
import { loadDraftPolicy } from "../config/draft-policy";
import { getConfigVersion } from "../config/versions";
import { db } from "../db";
import { AppError } from "../errors";
import type { KitInput } from "../exports/kit-types";
import { getResource } from "../resources/get-resource";
import type { ResourceDto } from "../resources/types";

/** The draft frozen exactly as a publish would freeze it. */
export function draftPolicy(resourceId: string): Promise<EnforcerPolicy> {
  return loadDraftPolicy(db(), resourceId);
}

/** The policy of a resource at a version: the draft, the latest published version, or a numbered one. */
export async function policyAt(
  resourceId: string,
  version: PolicyVersionChoice,
): Promise<{ resource: ResourceDto; policy: EnforcerPolicy; label: string }> {
  const resource = await getResource(resourceId);
  if (!resource) throw new AppError("not_found", "No such resource.");
  if (version === "draft") return { resource, policy: await draftPolicy(resourceId), label: "draft" };
  let number = version;
  if (number === "published") {
    const latest = await db().configVersion.findFirst({
      where: { resourceId },
      orderBy: { version: "desc" },
      select: { version: true },
    });
    if (!latest)
      throw new AppError("not_found", "Nothing is published for this resource yet: choose the draft instead.");
    number = latest.version;
  }
  const detail = await getConfigVersion(resourceId, number);
  return { resource, policy: detail.bundle.policy, label: `v${number}` };
}

/** The kit's plain input: the resource's draft policy (what the admin is configuring) and its IdP profile. */
export async function kitInputFor(resourceId: string): Promise<KitInput> {
  const resource = await getResource(resourceId);
  if (!resource) throw new AppError("not_found", "No such resource.");
  const policy = await draftPolicy(resourceId);
  return toKitInput(resource, policy);
}

export function toKitInput(resource: ResourceDto, policy: EnforcerPolicy): KitInput {
  const p = resource.idpProfile;
  const s = p.settings;
  const descriptions = new Map(resource.draft.scopes.map((x) => [x.name, x.description]));
  return {
    resource: {
      id: resource.id,
      name: resource.name,
      uri: resource.uri,
      metadataUrl: resourceMetadataUrl(policy),
      audiences: policy.idp.audiences,
      scopes: policy.scopesSupported.map((name) => ({ name, description: descriptions.get(name) ?? "" })),
      algorithms: policy.idp.algorithms,
      maxTokenLifetimeSec: policy.idp.maxTokenLifetimeSec,
      obo: policy.obo.map((d) => ({
        name: d.name,
        grant: d.grant,
        scope: d.scope,
        ...(d.audience ? { audience: d.audience } : {}),
      })),
    },
    idp: {
      kind: p.kind,
      name: p.name,
      issuers: p.issuers,
      discoveryUrl: p.discoveryUrl,
      jwksUri: p.jwksUri || policy.idp.jwksUri,
      ...(s.kind === "entra" ? { tenantId: s.tenantId, tokenVersion: s.tokenVersion } : {}),
      ...(s.kind === "okta" ? { domain: s.domain, authServerId: s.authServerId } : {}),
      ...(s.kind === "auth0" ? { domain: s.domain } : {}),
      requireAtJwt: p.requireTokenType === "at+jwt",
    },
  };
}
