"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { ErrorSummary, StatusLine, useFocusNext } from "@/components/ui/focus-management";
import { useDirtyState, useUnsavedChangesWarning } from "@/components/ui/unsaved-changes";
import { IdpKind } from "@/lib/enforcer/policy";
import { defaultClaimProfile } from "@/lib/server/idp-profiles/derive";
import { createIdpProfileAction, updateIdpProfileAction } from "../actions";
import { claimValuesOf, type IdpFormValues, KIND_LABELS, kindSettingsOf, payloadOf } from "./form-values";
import { IdpAdvancedFields } from "./idp-advanced-fields";
import { IdpKindFields } from "./idp-kind-fields";
import { IdpPreview } from "./idp-preview";

type Result = Awaited<ReturnType<typeof createIdpProfileAction>> | null;

const LABELS = {
  kind: "Identity provider",
  name: "Name",
  tenantId: "Tenant ID",
  tokenVersion: "Token version",
  domain: "Domain",
  authServerId: "Authorization server ID",
  issuer: "Issuer URL",
  issuers: "Issuer override",
  discoveryUrl: "Discovery URL override",
  jwksUri: "JWKS URI override",
  algorithms: "Allowed algorithms",
  claimProfile: "Claim settings",
};
const IDS = {
  issuers: "issuersOverride",
  discoveryUrl: "discoveryUrlOverride",
  jwksUri: "jwksUriOverride",
  claimProfile: "scopeClaims",
};

/** Create or edit an IdP profile: kind chooser, the kind's few inputs, live preview, advanced overrides. */
export function IdpProfileForm({ initial, profileId }: { initial: IdpFormValues; profileId?: string }) {
  const router = useRouter();
  const [values, setValues] = useState(initial);
  // Issue 13 #6: leaving with unsaved edits asks first.
  const { dirty, markSaved } = useDirtyState(values);
  useUnsavedChangesWarning(dirty);
  const set = (patch: Partial<IdpFormValues>) => setValues((v) => ({ ...v, ...patch }));
  const chooseKind = (kind: IdpFormValues["kind"]) =>
    setValues((v) => ({ ...v, kind, claim: claimValuesOf(defaultClaimProfile(kindSettingsOf({ ...v, kind }))) }));
  const [state, setState] = useState<Result>(null);
  const [pending, start] = useTransition();
  const focusNext = useFocusNext();
  // onSubmit, not a form action: React resets a form after an action, which would fight the controlled inputs.
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    start(async () => {
      const payload = payloadOf(values);
      const result = profileId
        ? await updateIdpProfileAction({ id: profileId, ...payload })
        : await createIdpProfileAction(payload);
      setState(result);
      if (result.ok) {
        markSaved();
        if (profileId) router.refresh();
        else {
          const path = `/idp-profiles/${result.data.id}`;
          router.push(path);
          // The next step (Test connection) is on the new profile's page: focus its heading when it arrives.
          focusNext(() => (location.pathname === path ? document.querySelector("h1") : null));
        }
      }
    });
  };
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form
      onSubmit={submit}
      className="space-y-5"
      aria-label={profileId ? "Edit IdP profile" : "New IdP profile"}
      noValidate
    >
      <StatusLine>
        {state?.ok && profileId ? `Saved ${state.data.name}. Run Test connection to check the new settings.` : null}
      </StatusLine>
      <ErrorSummary failure={state && !state.ok ? state : null} labels={LABELS} ids={IDS} />
      <fieldset>
        <legend className="text-sm font-medium text-slate-700 dark:text-slate-300">Identity provider</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-4">
          {IdpKind.options.map((kind) => (
            <label
              key={kind}
              className={`flex cursor-pointer items-center gap-2 rounded-md border px-3 py-2 text-sm ${values.kind === kind ? "border-brand-500 bg-brand-50 font-medium dark:bg-slate-800" : "border-slate-300 dark:border-slate-700"}`}
            >
              <input
                type="radio"
                name="kind"
                value={kind}
                checked={values.kind === kind}
                onChange={() => chooseKind(kind)}
              />
              {KIND_LABELS[kind]}
            </label>
          ))}
        </div>
        {errors?.kind ? <p className="mt-1 text-xs text-red-600 dark:text-red-400">{errors.kind.join(" ")}</p> : null}
      </fieldset>
      <div className="grid gap-5 lg:grid-cols-[1fr_22rem]">
        <div className="space-y-4">
          <TextField
            label="Name"
            name="name"
            value={values.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
            errors={errors?.name}
            required
            maxLength={100}
            placeholder="Contoso Entra (production)"
          />
          <IdpKindFields values={values} set={set} errors={errors} />
          <IdpAdvancedFields values={values} set={set} errors={errors} />
        </div>
        <IdpPreview values={values} />
      </div>
      <Button type="submit" pending={pending}>
        {pending ? "Saving…" : profileId ? "Save changes" : "Create profile"}
      </Button>
    </form>
  );
}
