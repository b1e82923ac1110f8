import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageActor } from "@/lib/server/auth/session";
import { emptyValues } from "../_components/form-values";
import { IdpProfileForm } from "../_components/idp-profile-form";

export const metadata: Metadata = { title: "New IdP profile" };

export default async function NewIdpProfilePage() {
  await requirePageActor("idp.write");
  return (
    <>
      <PageHeader
        title="New IdP profile"
        description="Choose the identity provider and enter only what it needs; issuer, discovery URL and JWKS URI are derived (and can be overridden)."
      />
      <Card>
        <IdpProfileForm initial={emptyValues("entra")} />
      </Card>
    </>
  );
}
