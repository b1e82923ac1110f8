"use client";

import { TextField } from "@/components/ui/field";
import { Checkbox, errorsFor, TextArea } from "@/components/ui/form-controls";
import { AsymmetricAlg } from "@/lib/enforcer/policy";
import type { IdpFormValues } from "./form-values";

type Errors = Record<string, string[]> | undefined;

/** Overrides of derived values, algorithms and the claim profile (preset per kind). */
export function IdpAdvancedFields({
  values,
  set,
  errors,
}: {
  values: IdpFormValues;
  set: (patch: Partial<IdpFormValues>) => void;
  errors: Errors;
}) {
  const claim = (patch: Partial<IdpFormValues["claim"]>) => set({ claim: { ...values.claim, ...patch } });
  const hasAdvancedError = ["issuers", "discoveryUrl", "jwksUri", "algorithms", "claimProfile"].some((k) =>
    errorsFor(errors, k),
  );
  return (
    <details
      className="rounded-md border border-slate-200 p-3 dark:border-slate-800"
      open={
        hasAdvancedError ||
        Boolean(values.issuersOverride || values.discoveryUrlOverride || values.jwksUriOverride) ||
        undefined
      }
    >
      <summary className="cursor-pointer text-sm font-medium">
        Advanced: overrides, algorithms and claim profile
      </summary>
      <div className="mt-4 space-y-4">
        <TextArea
          label="Issuer override"
          name="issuersOverride"
          value={values.issuersOverride}
          onChange={(e) => set({ issuersOverride: e.currentTarget.value })}
          errors={errorsFor(errors, "issuers")}
          hint="One issuer per line. Leave empty to use the derived issuer(s)."
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Discovery URL override"
            name="discoveryUrlOverride"
            value={values.discoveryUrlOverride}
            onChange={(e) => set({ discoveryUrlOverride: e.currentTarget.value })}
            errors={errorsFor(errors, "discoveryUrl")}
          />
          <TextField
            label="JWKS URI override"
            name="jwksUriOverride"
            value={values.jwksUriOverride}
            onChange={(e) => set({ jwksUriOverride: e.currentTarget.value })}
            errors={errorsFor(errors, "jwksUri")}
          />
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-700 dark:text-slate-300">Allowed signing algorithms</legend>
          <div className="mt-1 flex flex-wrap gap-4">
            {AsymmetricAlg.options.map((alg) => (
              <Checkbox
                key={alg}
                label={alg}
                checked={values.algorithms.includes(alg)}
                onChange={(on) =>
                  set({ algorithms: on ? [...values.algorithms, alg] : values.algorithms.filter((a) => a !== alg) })
                }
              />
            ))}
          </div>
          <p className="mt-1 text-xs text-muted">Never none or HMAC (RFC 8725 §3.1). Most IdPs sign with RS256.</p>
          {errorsFor(errors, "algorithms") ? (
            <p className="mt-1 text-xs text-red-600 dark:text-red-400">{errorsFor(errors, "algorithms")?.join(" ")}</p>
          ) : null}
        </fieldset>
        <fieldset className="grid gap-4 sm:grid-cols-2">
          <legend className="mb-2 text-sm font-medium text-slate-700 dark:text-slate-300">
            Claim profile (preset for this IdP)
          </legend>
          <TextField
            label="Scope claims"
            name="scopeClaims"
            value={values.claim.scopeClaims}
            onChange={(e) => claim({ scopeClaims: e.currentTarget.value })}
            errors={errorsFor(errors, "claimProfile.scopeClaims")}
            hint="Where scopes live, e.g. scp or scope, permissions."
          />
          <TextField
            label="Roles claim"
            name="rolesClaim"
            value={values.claim.rolesClaim}
            onChange={(e) => claim({ rolesClaim: e.currentTarget.value })}
            errors={errorsFor(errors, "claimProfile.rolesClaim")}
          />
          <TextField
            label="Client id claims"
            name="clientIdClaims"
            value={values.claim.clientIdClaims}
            onChange={(e) => claim({ clientIdClaims: e.currentTarget.value })}
            errors={errorsFor(errors, "claimProfile.clientIdClaims")}
            hint="Most specific first, e.g. azp, appid."
          />
          <TextField
            label="Accepted token versions"
            name="tokenVersions"
            value={values.claim.tokenVersions}
            onChange={(e) => claim({ tokenVersions: e.currentTarget.value })}
            errors={errorsFor(errors, "claimProfile.tokenVersions")}
            hint="Values of the ver claim; empty: not checked."
          />
          <Checkbox
            label={
              <>
                Require <code>typ: at+jwt</code> (RFC 9068)
              </>
            }
            checked={values.claim.requireAtJwt}
            onChange={(v) => claim({ requireAtJwt: v })}
          />
        </fieldset>
      </div>
    </details>
  );
}
