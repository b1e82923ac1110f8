import "server-only";
import { runTokenDebug } from "../debug/run-debug";
import { buildKit } from "../exports/kit";
import type { KitCheckId, KitInput } from "../exports/kit-types";
import { fetchJson } from "../idp-profiles/fetch-json";
import { checkIdpConnection } from "../idp-profiles/test-connection";
import { kitInputFor } from "./load";

/**
 * "Verify against the IdP": what can be checked from outside (OIDC discovery, JWKS), one result per
 * live check, each naming the kit steps it ticks or flags. An optional sample access token is run
 * through the token debugger (the enforcer's own checks) against the draft policy.
 */
export interface KitCheck {
  id: KitCheckId;
  title: string;
  status: "pass" | "fail" | "warn" | "info" | "skip";
  detail: string;
  /** Kit steps this check confirms (or flags). */
  steps: string[];
}

export interface SampleTokenCheck {
  step: string;
  status: "pass" | "fail" | "warn" | "skip";
  detail: string;
  /** Kit step that fixes a failure. */
  kitStep: string | null;
}

export interface KitVerification {
  checkedAt: string;
  checks: KitCheck[];
  sample: SampleTokenCheck[] | null;
}

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const strings = (v: unknown): string[] | null =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : null;

export async function verifyKit(resourceId: string, sampleToken?: string): Promise<KitVerification> {
  const input = await kitInputFor(resourceId);
  const checks = await liveChecks(input);
  const sample = sampleToken ? await sampleChecks(input, sampleToken) : null;
  return { checkedAt: new Date().toISOString(), checks, sample };
}

/** Pure on the fetched documents' results: exported for tests with a real loopback IdP. */
export async function liveChecks(input: KitInput): Promise<KitCheck[]> {
  const kit = buildKit(input);
  const stepsFor = (id: KitCheckId) =>
    kit.sections.flatMap((s) => s.steps.filter((st) => st.checks.includes(id)).map((st) => st.id));
  const out: KitCheck[] = [];
  const add = (id: KitCheckId, title: string, status: KitCheck["status"], detail: string) =>
    out.push({ id, title, status, detail, steps: stepsFor(id) });

  const conn = await checkIdpConnection({
    issuers: input.idp.issuers,
    discoveryUrl: input.idp.discoveryUrl,
    jwksUri: input.idp.jwksUri,
    algorithms: input.resource.algorithms,
  });
  const disc = conn.discovery.ok ? await fetchJson(input.idp.discoveryUrl) : null;
  const doc = disc?.ok && disc.json && typeof disc.json === "object" ? (disc.json as Record<string, unknown>) : null;

  add(
    "discovery",
    "Discovery reachable",
    conn.discovery.ok ? "pass" : "fail",
    conn.discovery.ok ? `${conn.discovery.url} answered.` : (conn.discovery.error ?? "Discovery failed."),
  );
  add(
    "issuer",
    "Issuer exact",
    conn.issuerCheck.match ? "pass" : "fail",
    conn.issuerCheck.match
      ? `The IdP announces ${conn.issuerCheck.actual}, as expected.`
      : (conn.issuerCheck.diagnosis ?? "The issuer does not match."),
  );
  if (input.idp.kind === "entra") {
    const actual = conn.issuerCheck.actual ?? "";
    const announced = actual.startsWith("https://sts.windows.net/") || !/\/v2\.0\/?$/.test(actual) ? "v1" : "v2";
    const expected = input.idp.tokenVersion ?? "v2";
    const ok = expected === "both" || expected === announced;
    add(
      "token_version",
      "Token version (v1 vs v2 issuer)",
      actual ? (ok ? "pass" : "fail") : "skip",
      actual
        ? `The discovery document announces the ${announced} issuer; the profile expects ${expected}. The issuer of each token follows the API's requestedAccessTokenVersion.`
        : "No issuer to compare.",
    );
  }
  const algs = [...new Set(conn.jwks.keys.map((k) => k.alg).filter(Boolean))];
  add(
    "jwks",
    "JWKS keys and algorithms",
    !conn.jwks.ok ? "fail" : conn.warnings.length ? "warn" : "pass",
    conn.jwks.ok
      ? [
          `${conn.jwks.keys.length} key(s)${algs.length ? ` (${algs.join(", ")})` : ""} at ${conn.jwks.url}.`,
          ...conn.warnings,
        ].join(" ")
      : (conn.jwks.error ?? "The JWKS could not be read."),
  );
  if (!doc) return out;

  const pkce = strings(doc.code_challenge_methods_supported);
  add(
    "pkce_s256",
    "PKCE S256 advertised",
    pkce?.includes("S256") ? "pass" : "fail",
    pkce === null
      ? "code_challenge_methods_supported is absent: MCP clients must refuse an authorization server that does not advertise S256."
      : pkce.includes("S256")
        ? `code_challenge_methods_supported: ${pkce.join(", ")}.`
        : `code_challenge_methods_supported lists ${pkce.join(", ") || "nothing"}, not S256.`,
  );
  const responseTypes = strings(doc.response_types_supported) ?? [];
  const grants = strings(doc.grant_types_supported);
  // OAuth 2.1 drops the implicit grant: an access token in the front channel (response type `token`).
  // `implicit` in grant_types alone may only mean OIDC's id_token response type.
  const accessTokenImplicit = responseTypes.some((t) => t.split(" ").includes("token"));
  add(
    "implicit_grant",
    "Implicit grant not advertised",
    accessTokenImplicit ? "warn" : "pass",
    accessTokenImplicit
      ? "The IdP advertises the implicit grant (response type token): make sure no MCP client app has it enabled."
      : grants?.includes("implicit")
        ? "implicit is advertised for ID tokens only: no access token is issued in the front channel."
        : "No implicit grant advertised.",
  );
  const published = strings(doc.scopes_supported);
  const wanted = input.resource.scopes.map((s) => s.name);
  const missing = published ? wanted.filter((s) => !published.includes(s)) : [];
  add(
    "scopes_published",
    "Policy scopes published",
    published === null ? "skip" : missing.length ? "fail" : "pass",
    published === null
      ? "The IdP does not publish scopes_supported (Entra never lists API scopes): check the scopes in the console."
      : missing.length
        ? `Missing from scopes_supported: ${missing.join(", ")}.`
        : `All ${wanted.length} scopes are in scopes_supported.`,
  );
  if (input.resource.obo.length === 0)
    add("token_exchange", "Token exchange grant", "skip", "No on-behalf-of downstreams.");
  else {
    const needed = input.resource.obo.map((d) => (d.grant === "entra_obo" ? JWT_BEARER : TOKEN_EXCHANGE));
    const lacking = [...new Set(needed)].filter((g) => !(grants ?? []).includes(g));
    add(
      "token_exchange",
      "Token exchange grant",
      grants === null ? "warn" : lacking.length ? "fail" : "pass",
      grants === null
        ? "grant_types_supported is absent: cannot confirm the exchange grant."
        : lacking.length
          ? `grant_types_supported lacks ${lacking.join(", ")}, needed by the OBO downstreams.`
          : "The exchange grant is advertised.",
    );
  }
  const registration = typeof doc.registration_endpoint === "string" ? doc.registration_endpoint : null;
  add(
    "dcr",
    "Dynamic client registration",
    "info",
    registration
      ? `registration_endpoint ${registration}: MCP clients can register themselves (RFC 7591).`
      : "No registration_endpoint: MCP clients cannot register themselves; give each a pre-registered client id.",
  );
  return out;
}

/** Recommended ceiling for access tokens (DOMAIN.md: 15 min max). */
const MAX_RECOMMENDED_LIFETIME_SEC = 900;

async function sampleChecks(input: KitInput, token: string): Promise<SampleTokenCheck[]> {
  const run = await runTokenDebug({ resourceId: input.resource.id, version: "draft", token });
  const out: SampleTokenCheck[] = run.steps
    .filter((s) => s.id !== "request")
    .map((s) => ({
      step: s.title,
      status: s.status,
      detail: [s.detail, ...s.hints, s.fix?.text].filter(Boolean).join(" "),
      kitStep: s.status === "pass" ? null : (s.fix?.kitStep ?? null),
    }));
  const c = run.claims ?? {};
  if (input.idp.kind === "entra" && c.ver !== undefined) {
    const expected = input.idp.tokenVersion ?? "v2";
    const got = c.ver === "1.0" ? "v1" : c.ver === "2.0" ? "v2" : String(c.ver);
    const ok = expected === "both" || expected === got;
    out.push({
      step: "Token version (ver)",
      status: ok ? "pass" : "fail",
      detail: `ver ${JSON.stringify(c.ver)}: a ${got} token; the profile expects ${expected}.`,
      kitStep: ok ? null : "entra.token-version",
    });
  }
  if (typeof c.exp === "number" && typeof c.iat === "number") {
    const life = c.exp - c.iat;
    const long = life > MAX_RECOMMENDED_LIFETIME_SEC;
    const lifetimeStep = {
      entra: "entra.token-lifetime",
      okta: "okta.policy",
      auth0: "auth0.api",
      oidc: "oidc.token-lifetime",
    };
    out.push({
      step: "Token lifetime",
      status: long ? "warn" : "pass",
      detail: `exp − iat = ${life} s${long ? `: longer than the recommended ${MAX_RECOMMENDED_LIFETIME_SEC} s` : ""}.`,
      kitStep: long ? lifetimeStep[input.idp.kind] : null,
    });
  }
  return out;
}
