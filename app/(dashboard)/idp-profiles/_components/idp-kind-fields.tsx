"use client";

import { SelectField, TextField } from "@/components/ui/field";
import { defaultClaimProfile } from "@/lib/server/idp-profiles/derive";
import { claimValuesOf, type IdpFormValues, kindSettingsOf } from "./form-values";

type Errors = Record<string, string[]> | undefined;

/**
 * Issue 13 #2: the accepted `ver` values follow the token version, unless the admin typed their own: a field still
 * holding the old version's preset moves to the new one (it used to keep "2.0" after choosing "both").
 */
export function withTokenVersion(
  values: IdpFormValues,
  tokenVersion: IdpFormValues["tokenVersion"],
): Partial<IdpFormValues> {
  const presetOf = (v: IdpFormValues) => claimValuesOf(defaultClaimProfile(kindSettingsOf(v))).tokenVersions;
  const next = { ...values, tokenVersion };
  if (values.claim.tokenVersions.trim() !== presetOf(values)) return { tokenVersion };
  return { tokenVersion, claim: { ...values.claim, tokenVersions: presetOf(next) } };
}

/** Only what the chosen IdP needs (DOMAIN.md IdP table); everything else is derived. */
export function IdpKindFields({
  values,
  set,
  errors,
}: {
  values: IdpFormValues;
  set: (patch: Partial<IdpFormValues>) => void;
  errors: Errors;
}) {
  switch (values.kind) {
    case "entra":
      return (
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Tenant ID"
            name="tenantId"
            value={values.tenantId}
            onChange={(e) => set({ tenantId: e.currentTarget.value })}
            errors={errors?.tenantId}
            placeholder="xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
            hint="Directory (tenant) ID GUID, or a verified domain such as contoso.onmicrosoft.com."
          />
          <SelectField
            label="Token version"
            name="tokenVersion"
            value={values.tokenVersion}
            onChange={(e) => set(withTokenVersion(values, e.currentTarget.value as IdpFormValues["tokenVersion"]))}
            errors={errors?.tokenVersion}
          >
            <option value="v2">v2 (accessTokenAcceptedVersion = 2)</option>
            <option value="v1">v1 (accessTokenAcceptedVersion null or 1)</option>
            <option value="both">both v1 and v2</option>
          </SelectField>
        </div>
      );
    case "okta":
      return (
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Okta domain"
            name="domain"
            value={values.domain}
            onChange={(e) => set({ domain: e.currentTarget.value })}
            errors={errors?.domain}
            placeholder="dev-123456.okta.com"
          />
          <TextField
            label="Authorization server ID"
            name="authServerId"
            value={values.authServerId}
            onChange={(e) => set({ authServerId: e.currentTarget.value })}
            errors={errors?.authServerId}
            hint='A custom authorization server ("default" or aus…). The org server’s tokens are not meant for your APIs.'
          />
        </div>
      );
    case "auth0":
      return (
        <TextField
          label="Auth0 domain"
          name="domain"
          value={values.domain}
          onChange={(e) => set({ domain: e.currentTarget.value })}
          errors={errors?.domain}
          placeholder="your-tenant.eu.auth0.com"
          hint="Or your custom domain. The issuer keeps its trailing slash."
        />
      );
    case "oidc":
      return (
        <TextField
          label="Issuer URL"
          name="issuer"
          value={values.issuer}
          onChange={(e) => set({ issuer: e.currentTarget.value })}
          errors={errors?.issuer}
          placeholder="https://idp.example.com/realms/main"
          hint="Exactly as the IdP’s tokens carry it in iss (https; http only for loopback)."
        />
      );
  }
}
