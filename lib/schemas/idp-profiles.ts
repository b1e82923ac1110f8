import { z } from "zod";
import { AsymmetricAlg, IdpKind } from "@/lib/enforcer/policy";

/**
 * Admin input for IdP profiles. The form asks only what a kind needs; issuers, discovery URL
 * and JWKS URI are derived (lib/server/idp-profiles/derive.ts) unless overridden.
 */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Loopback hosts may use plain http (local test IdPs); everything else must be https. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/** null when `value` is an absolute https URL (or http on loopback) without fragment; else the reason. */
export function secureUrlProblem(value: string, opts: { allowQuery?: boolean } = {}): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter an absolute URL, e.g. https://login.example.com/.";
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname))
    return "Use https (plain http is allowed only for 127.0.0.1, localhost and ::1).";
  if (url.protocol !== "https:" && url.protocol !== "http:") return "Use an https URL.";
  if (url.username || url.password) return "A URL with credentials is not allowed.";
  if (url.hash || value.includes("#")) return "Remove the fragment (#…).";
  if (!opts.allowQuery && url.search) return "Remove the query string (?…).";
  return null;
}

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** An absolute https URL (loopback http allowed), no fragment; OIDC Discovery §3 also forbids a query in issuers. */
export const SecureUrl = z
  .string()
  .trim()
  .max(500, "At most 500 characters.")
  .superRefine((v, ctx) => {
    const problem = secureUrlProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const Name = z.string().trim().min(1, "Enter a name.").max(100, "At most 100 characters.");

/** Entra tenant: a GUID or a verified domain. `common`/`organizations`/`consumers` are not issuers. */
export const EntraTenant = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "Enter the tenant id.")
  .max(253)
  .refine(
    (v) => !["common", "organizations", "consumers"].includes(v),
    "Use your tenant id: tokens carry the tenant's own issuer, never common/organizations/consumers.",
  )
  .refine(
    (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v) || isDomain(v),
    "Enter a tenant GUID (xxxxxxxx-xxxx-…) or a domain such as contoso.onmicrosoft.com.",
  );

function isDomain(v: string): boolean {
  return /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(v);
}

/** A pasted URL's host name: scheme, path after the host and trailing slashes dropped, lower case ("https://Dev-1.okta.com/" → "dev-1.okta.com"). */
export function normalizeDomain(v: string): string {
  return v
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/\/+$/, "");
}

/** A host name, forgiving a pasted scheme or trailing slash ("https://dev-1.okta.com/" → "dev-1.okta.com"). */
export const Domain = z
  .string()
  .trim()
  .transform(normalizeDomain)
  .pipe(z.string().min(1, "Enter the domain.").refine(isDomain, "Enter a domain such as dev-123.okta.com."));

export const EntraTokenVersion = z.enum(["v1", "v2", "both"], { error: "Choose v1, v2 or both." });

export const ClaimProfile = z.object({
  /** Claims read as scopes, in order (Entra/Okta `scp`, Auth0 `scope` + `permissions`, OIDC `scope`). */
  scopeClaims: z.array(z.string().trim().min(1).max(100)).min(1).max(5),
  /** Entra: space-separated string; Okta: array; others: string. Informative: the enforcer reads both. */
  scopeFormat: z.enum(["string", "array"]),
  rolesClaim: z.string().trim().max(100),
  /** Where the client id lives, most specific first. */
  clientIdClaims: z.array(z.string().trim().min(1).max(100)).min(1).max(5),
  /** Accepted `ver` claim values; empty = not checked. */
  tokenVersions: z.array(z.string().trim().min(1).max(10)).max(5),
  /** RFC 9068 §2.1: require the `typ: at+jwt` header (Auth0's RFC 9068 profile). */
  requireAtJwt: z.boolean(),
});
export type ClaimProfile = z.infer<typeof ClaimProfile>;

const overrideFields = {
  /** Override the derived issuer list (one or more). */
  issuers: z.preprocess((v) => {
    if (!Array.isArray(v)) return emptyToUndefined(v);
    const kept = v.filter((s) => typeof s !== "string" || s.trim() !== "");
    return kept.length ? kept : undefined;
  }, z.array(SecureUrl).max(10, "At most 10 issuers.").optional()),
  discoveryUrl: z.preprocess(emptyToUndefined, SecureUrl.optional()),
  jwksUri: z.preprocess(emptyToUndefined, SecureUrl.optional()),
  algorithms: z
    .array(AsymmetricAlg, { error: "Unknown algorithm (none and HMAC are never accepted)." })
    .min(1)
    .max(10)
    .optional(),
  claimProfile: ClaimProfile.partial().optional(),
};

const entra = z.object({
  kind: z.literal("entra"),
  tenantId: EntraTenant,
  tokenVersion: EntraTokenVersion.default("v2"),
});
const okta = z.object({
  kind: z.literal("okta"),
  domain: Domain,
  authServerId: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .max(100)
      .regex(/^[A-Za-z0-9_-]+$/, "Letters, digits, - and _ only (e.g. default or aus1a2b3c).")
      .default("default"),
  ),
});
const auth0 = z.object({ kind: z.literal("auth0"), domain: Domain });
const oidc = z.object({ kind: z.literal("oidc"), issuer: SecureUrl });

/** The kind-specific inputs (stored in IdpProfile.settings with the overrides). */
export const IdpKindSettings = z.discriminatedUnion("kind", [entra, okta, auth0, oidc], {
  error: "Choose a kind: entra, okta, auth0 or oidc.",
});
export type IdpKindSettings = z.infer<typeof IdpKindSettings>;

const withCommon = <T extends z.ZodRawShape>(o: z.ZodObject<T>) => o.extend({ name: Name, ...overrideFields });

export const CreateIdpProfileInput = z.discriminatedUnion(
  "kind",
  [withCommon(entra), withCommon(okta), withCommon(auth0), withCommon(oidc)],
  { error: "Choose a kind: entra, okta, auth0 or oidc." },
);
export type CreateIdpProfileInput = z.infer<typeof CreateIdpProfileInput>;

/** Update replaces the whole profile definition (the kind may change only if no resource uses it). */
export const UpdateIdpProfileInput = z.intersection(
  z.object({ id: z.string().min(1).max(100) }),
  CreateIdpProfileInput,
);
export type UpdateIdpProfileInput = z.infer<typeof UpdateIdpProfileInput>;

export const IdpProfileIdInput = z.object({ id: z.string().min(1).max(100) });
export type IdpProfileIdInput = z.infer<typeof IdpProfileIdInput>;

export { IdpKind };
