import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";
import { getIdpProfile } from "@/lib/server/idp-profiles/get-idp-profile";
import { resourcesNeedingRepublish } from "@/lib/server/idp-profiles/republish";
import { DeleteProfileButton } from "../_components/delete-profile-button";
import { KIND_LABELS, valuesFromDto } from "../_components/form-values";
import { IdpProfileForm } from "../_components/idp-profile-form";
import { RepublishNotice } from "../_components/republish-notice";
import { TestConnectionButton } from "../_components/test-connection-button";
import { TestResultView } from "../_components/test-result";

/** Each profile its own title (issue 21): "<name> · IdP profiles · Portcullis". */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  await requirePageActor("idp.read");
  const profile = await getIdpProfile((await params).id);
  return { title: `${profile?.name ?? "Not found"} · IdP profiles` };
}

export default async function IdpProfilePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor("idp.read");
  const profile = await getIdpProfile((await params).id);
  if (!profile) notFound();
  const canWrite = can(actor.role, "idp.write");
  const c = profile.claimProfile;
  const rows: [string, string][] = [
    ["Issuer", profile.issuers.join("\n")],
    ["Discovery URL", profile.discoveryUrl],
    ["JWKS URI", profile.jwksUri || "from discovery (not tested yet)"],
    ["Algorithms", profile.algorithms.join(", ")],
    ["Token type", profile.requireTokenType ? "typ at+jwt required" : "any (JWT)"],
    ["Scopes in", `${c.scopeClaims.join(", ")} (${c.scopeFormat})`],
    ["Roles in", c.rolesClaim || "—"],
    ["Client id in", c.clientIdClaims.join(", ")],
    ["Token versions", c.tokenVersions.join(", ") || "not checked"],
  ];
  return (
    <>
      <PageHeader
        title={profile.name}
        description={
          <>
            {KIND_LABELS[profile.kind]} · used by {profile.resourceCount} resource
            {profile.resourceCount === 1 ? "" : "s"}
          </>
        }
        actions={canWrite ? <TestConnectionButton profileId={profile.id} /> : null}
      />
      <RepublishNotice
        profileId={profile.id}
        stale={await resourcesNeedingRepublish(profile.id)}
        canPublish={can(actor.role, "config.publish")}
      />
      <div className="grid gap-6 xl:grid-cols-2">
        <Card title="Accepted tokens">
          <dl className="grid gap-2 text-sm sm:grid-cols-[9rem_1fr]">
            {rows.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-muted">{k}</dt>
                <dd className="whitespace-pre-line break-all font-mono text-xs">{v}</dd>
              </div>
            ))}
          </dl>
        </Card>
        <Card title="Test connection">
          {profile.lastTestResult ? (
            <TestResultView result={profile.lastTestResult} />
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              <Badge>not tested</Badge>{" "}
              {canWrite
                ? "Run Test connection: the server fetches the discovery document and the keys and checks the issuer."
                : "Not tested yet."}
            </p>
          )}
        </Card>
      </div>
      {canWrite ? (
        <div className="mt-6 space-y-6">
          <Card title="Edit profile">
            <IdpProfileForm initial={valuesFromDto(profile)} profileId={profile.id} />
          </Card>
          <Card title="Danger zone">
            <DeleteProfileButton profileId={profile.id} name={profile.name} />
          </Card>
        </div>
      ) : null}
    </>
  );
}
