import "server-only";
import { writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import { db } from "../db";
import { AppError } from "../errors";
import type { RequestContext } from "../request-context";
import { leadingCause } from "./connection-cause";
import { idpProfileSelect, toIdpProfileDto } from "./dto";
import { type FetchJsonOptions, type FetchJsonResult, fetchJson } from "./fetch-json";
import { diagnoseIssuer } from "./issuer-diagnosis";
import { describeJwk } from "./key-info";
import type { IdpProfileDto, TestConnectionResult } from "./types";

export interface ConnectionTarget {
  issuers: string[];
  discoveryUrl: string;
  /** "" = take jwks_uri from the discovery document (generic OIDC before its first test). */
  jwksUri: string;
  algorithms: string[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : []);
const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);

/**
 * Fetch the discovery document and the JWKS and say whether tokens from this IdP would verify:
 * issuer match (with a diagnosis), keys usable, endpoints announced. Never throws for IdP trouble:
 * every failure becomes a readable line in the result.
 */
export async function checkIdpConnection(
  t: ConnectionTarget,
  opts: FetchJsonOptions = {},
): Promise<TestConnectionResult> {
  const started = performance.now();
  const warnings: string[] = [];
  const disc = await fetchJson(t.discoveryUrl, opts);
  const doc =
    disc.ok && disc.json && typeof disc.json === "object" && !Array.isArray(disc.json)
      ? (disc.json as Record<string, unknown>)
      : null;
  const discoveryError = !disc.ok ? disc.error : doc ? null : "The discovery document is not a JSON object.";
  const actualIssuer = doc ? str(doc.issuer) : null;
  const discoveredJwks = doc ? str(doc.jwks_uri) : null;
  const discovery: TestConnectionResult["discovery"] = {
    url: t.discoveryUrl,
    ok: discoveryError === null && actualIssuer !== null,
    error: discoveryError ?? (actualIssuer === null ? "The discovery document has no issuer." : null),
    issuer: actualIssuer,
    jwksUri: discoveredJwks,
    tokenEndpoint: doc ? str(doc.token_endpoint) : null,
    authorizationEndpoint: doc ? str(doc.authorization_endpoint) : null,
    scopesSupported: doc ? strings(doc.scopes_supported) : [],
    grantTypesSupported: doc ? strings(doc.grant_types_supported) : [],
    algorithmsSupported: doc ? strings(doc.id_token_signing_alg_values_supported) : [],
  };
  const match = actualIssuer !== null && t.issuers.includes(actualIssuer);
  const issuerCheck: TestConnectionResult["issuerCheck"] = {
    expected: t.issuers,
    actual: actualIssuer,
    match,
    diagnosis: match
      ? null
      : actualIssuer === null
        ? "Could not read the issuer: fix the discovery URL first."
        : diagnoseIssuer(t.issuers, actualIssuer),
  };

  const jwksUrl = t.jwksUri || discoveredJwks || "";
  if (t.jwksUri && discoveredJwks && discoveredJwks !== t.jwksUri)
    warnings.push(
      `The discovery document announces a different JWKS URI (${discoveredJwks}); the profile uses ${t.jwksUri}.`,
    );
  const { result: jwks, fetched } = await checkJwks(jwksUrl, opts);
  if (jwks.ok) {
    const usable = jwks.keys.filter((k) => k.use !== "enc");
    const algs = new Set(t.algorithms);
    if (usable.length > 0 && usable.every((k) => k.alg !== null && !algs.has(k.alg)))
      warnings.push(
        `No signing key uses an allowed algorithm (${t.algorithms.join(", ")}); keys announce ${[...new Set(usable.map((k) => k.alg))].join(", ")}.`,
      );
    for (const k of usable)
      if (k.kty === "RSA" && k.bits !== null && k.bits < 2048)
        warnings.push(`Key ${k.kid ?? "(no kid)"} is RSA ${k.bits} bits: below 2048 bits is weak (RFC 7518 §3.3).`);
    if (usable.some((k) => k.kid === null) && usable.length > 1)
      warnings.push("Some keys have no kid: with several keys, tokens cannot name the key that signed them.");
  }
  return {
    ok: discovery.ok && match && jwks.ok,
    testedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    cause: leadingCause({
      discovery: disc,
      discoveryError,
      issuer: issuerCheck,
      jwks: { ok: jwks.ok, error: jwks.error, fetch: fetched },
    }),
    discovery,
    issuerCheck,
    jwks,
    warnings,
  };
}

async function checkJwks(
  url: string,
  opts: FetchJsonOptions,
): Promise<{ result: TestConnectionResult["jwks"]; fetched: FetchJsonResult | null }> {
  if (!url)
    return {
      result: { url, ok: false, error: "No JWKS URI: set one, or fix discovery so it announces jwks_uri.", keys: [] },
      fetched: null,
    };
  const res = await fetchJson(url, opts);
  const done = (result: TestConnectionResult["jwks"]) => ({ result, fetched: res });
  if (!res.ok) return done({ url, ok: false, error: res.error, keys: [] });
  const raw = (res.json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(raw))
    return done({ url, ok: false, error: 'The JWKS has no "keys" array (RFC 7517 §5).', keys: [] });
  const keys = raw.slice(0, 100).map(describeJwk);
  if (keys.length === 0)
    return done({ url, ok: false, error: "The JWKS is empty: no key could verify a token.", keys });
  return done({ url, ok: true, error: null, keys });
}

/** Run the check for a stored profile, record the outcome on it and in the audit trail. */
export async function testIdpConnection(
  actor: Actor,
  input: { id: string },
  ctx: RequestContext,
): Promise<IdpProfileDto> {
  const profile = await db().idpProfile.findUnique({ where: { id: input.id }, select: idpProfileSelect });
  if (!profile) throw new AppError("not_found", "No such IdP profile.");
  const dto = toIdpProfileDto(profile);
  const result = await checkIdpConnection(dto);
  // Generic OIDC: the JWKS URI comes from discovery; remember it once the IdP checks out.
  const learnJwks = dto.jwksUri === "" && result.ok ? result.jwks.url : null;
  return db().$transaction(async (tx) => {
    const row = await tx.idpProfile.update({
      where: { id: dto.id },
      data: {
        lastTestAt: new Date(result.testedAt),
        lastTestOk: result.ok,
        lastTestResult: JSON.stringify(result),
        ...(learnJwks ? { jwksUri: learnJwks } : {}),
      },
      select: idpProfileSelect,
    });
    await writeAudit(tx, {
      actor,
      action: "idp_profile.tested",
      targetType: "idp_profile",
      targetId: dto.id,
      after: {
        ok: result.ok,
        discoveryUrl: result.discovery.url,
        issuer: result.issuerCheck.actual,
        issuerMatch: result.issuerCheck.match,
        diagnosis: result.issuerCheck.diagnosis,
        jwksUri: result.jwks.url,
        keyIds: result.jwks.keys.map((k) => k.kid),
        errors: [result.discovery.error, result.jwks.error].filter(Boolean),
        ...(learnJwks ? { learnedJwksUri: learnJwks } : {}),
      },
      ctx,
    });
    return toIdpProfileDto(row);
  });
}
