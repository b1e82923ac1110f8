import type { Metadata } from "next";
import Link from "next/link";
import { Card, Notice, PageHeader } from "@/components/ui/card";
import { requirePageActor } from "@/lib/server/auth/session";
import { listIdpProfiles } from "@/lib/server/idp-profiles/list-idp-profiles";
import { ResourceForm } from "../_components/resource-form";

export const metadata: Metadata = { title: "Register a resource" };

export default async function NewResourcePage() {
  await requirePageActor("resources.write");
  const profiles = await listIdpProfiles();
  return (
    <>
      <PageHeader
        title="Register a resource"
        description="An MCP server reachable beyond localhost, protected as an OAuth resource server."
      />
      <Card>
        {profiles.length === 0 ? (
          <Notice tone="info">
            First{" "}
            <Link href="/idp-profiles/new" className="underline">
              create an IdP profile
            </Link>
            : a resource accepts tokens from one identity provider.
          </Notice>
        ) : (
          <ResourceForm
            profiles={profiles.map((p) => ({ id: p.id, name: p.name, kind: p.kind }))}
            initial={{
              name: "",
              uri: "",
              idpProfileId: profiles[0]?.id ?? "",
              audiences: "",
              algorithms: ["RS256"],
              clockToleranceSec: "30",
              maxTokenLifetimeSec: "86400",
              documentationUrl: "",
              allowedOrigins: "",
            }}
          />
        )}
      </Card>
    </>
  );
}
