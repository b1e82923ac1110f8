import type { KeyObject } from "node:crypto";
import {
  type AsymmetricAlg,
  authorizeMessage,
  checkTokenClaims,
  checkTokenType,
  createJwksCache,
  createTokenValidator,
  EnforcerError,
  type EnforcerPolicy,
  normalizeClaims,
  type ParsedJws,
  parseCompactJws,
  type ReasonCode,
  type ResolvedValidatorOptions,
  resolveValidatorOptions,
  type ValidatedToken,
  verifyJwsSignature,
} from "@/lib/enforcer";
import { adviceFor, type Fix } from "./advice";
import { audienceHint, issuerHint, scopeHints } from "./hints";

/**
 * The token debugger: runs the enforcer's OWN checks (parse, alg allowlist, typ, JWKS key by kid,
 * signature, claim rules, claim profile, MCP authorization) one at a time against a policy and the
 * live JWKS, and says for each failing step what to change and where. No check is re-implemented
 * here: every verdict comes from a function of lib/enforcer, and the final verdict from the
 * enforcer's full validator, so the steps can never disagree with what an enforcer would answer.
 *
 * The token is only held in memory for the run: never logged, stored or echoed back.
 */
export type StepId =
  | "structure"
  | "alg"
  | "typ"
  | "key"
  | "signature"
  | "issuer"
  | "id_token"
  | "audience"
  | "time"
  | "subject"
  | "scopes"
  | "request";

export interface DebugStep {
  id: StepId;
  title: string;
  status: "pass" | "fail" | "warn" | "skip";
  detail: string;
  code?: ReasonCode;
  /** Specific hints (v1 vs v2 issuer, trailing slash, api:// prefix, scope format). */
  hints: string[];
  fix?: Fix;
}

export interface DebugResult {
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  steps: DebugStep[];
  /** What the enforcer itself answers (full validator, then the authorizer). */
  verdict: { allowed: boolean; code: ReasonCode | null; message: string };
  normalized: { scopes: string[]; roles: string[]; clientId: string | null } | null;
}

export interface DebugOptions {
  policy: EnforcerPolicy;
  resourceId: string;
  idpProfileId: string;
  /** Outbound fetch for the JWKS (SSRF-guarded by the caller). */
  fetch: typeof fetch;
  now?: () => number;
  /** The simulated MCP request; omitted = only the token is checked. */
  request?: { method: string; tool?: string };
}

const TITLES: Record<StepId, string> = {
  structure: "Structure and size",
  alg: "Algorithm",
  typ: "Token type (typ)",
  key: "Signing key (kid) in the live JWKS",
  signature: "Signature",
  issuer: "Issuer (iss)",
  id_token: "Access token, not an ID token",
  audience: "Audience (aud)",
  time: "Lifetime (exp, nbf, iat with clock tolerance)",
  subject: "Subject (sub)",
  scopes: "Scopes (IdP format)",
  request: "Simulated MCP request",
};

/** Which step a claim-rule failure belongs to (checkTokenClaims throws one reason at a time). */
function claimStep(code: ReasonCode, message: string): StepId {
  if (code === "issuer_mismatch") return "issuer";
  if (code === "id_token_rejected") return "id_token";
  if (code === "audience_mismatch") return "audience";
  if (code === "claim_missing" && message.startsWith("sub")) return "subject";
  return "time";
}

export async function debugToken(token: string, opts: DebugOptions): Promise<DebugResult> {
  const policy = opts.policy;
  const now = opts.now ?? Date.now;
  const fetchOnce = memoizedFetch(opts.fetch);
  const o = resolveValidatorOptions({
    issuer: policy.idp.issuers,
    audience: policy.idp.audiences,
    jwksUri: policy.idp.jwksUri,
    algorithms: policy.idp.algorithms,
    clockToleranceSec: policy.idp.clockToleranceSec,
    maxTokenLifetimeSec: policy.idp.maxTokenLifetimeSec,
    requireTokenType: policy.idp.requireTokenType,
    profile: policy.idp.kind,
    now,
    fetch: fetchOnce,
    verifiedCacheSize: 0,
  });
  const advice = { kind: policy.idp.kind, resourceId: opts.resourceId, idpProfileId: opts.idpProfileId };
  const steps: DebugStep[] = [];
  const add = (id: StepId, status: DebugStep["status"], detail: string, extra: Partial<DebugStep> = {}) =>
    steps.push({ id, title: TITLES[id], status, detail, hints: [], ...extra });
  const fail = (id: StepId, err: EnforcerError, hints: string[] = []) =>
    add(id, "fail", err.message, { code: err.code, hints, fix: adviceFor(err.code, advice) });
  const skipRest = (from: StepId[]) => {
    for (const id of from) add(id, "skip", "Not reached: an earlier step failed.");
  };
  const verdict = await enforcerVerdict(token, o, policy, opts.request);
  const decoded = decodeForDisplay(token);

  // 1. Structure and size: the enforcer's parser with every algorithm allowed, so only the shape is judged.
  let jws: ParsedJws;
  try {
    jws = parseCompactJws(token, { maxBytes: o.maxTokenBytes, algorithms: ALL_ALGS });
    const claims = JSON.parse(jws.payload.toString("utf8"));
    if (!claims || typeof claims !== "object" || Array.isArray(claims))
      throw malformed("the payload is not a JSON object");
    add("structure", "pass", `Compact JWS, ${token.length} bytes (limit ${o.maxTokenBytes}).`);
  } catch (err) {
    const e = asEnforcerError(err);
    if (e.code === "alg_not_allowed") {
      // Well formed, but signed with an algorithm no IdP key may use (none, HMAC): the alg step says so.
      add("structure", "pass", `Compact JWS, ${token.length} bytes.`);
      fail("alg", e, [`The token says ${String(decoded.header?.alg)}; the policy allows ${o.algorithms.join(", ")}.`]);
      skipRest(["typ", "key", "signature", "issuer", "id_token", "audience", "time", "subject", "scopes", "request"]);
      return { ...decoded, steps, verdict, normalized: null };
    }
    fail("structure", e);
    skipRest([
      "alg",
      "typ",
      "key",
      "signature",
      "issuer",
      "id_token",
      "audience",
      "time",
      "subject",
      "scopes",
      "request",
    ]);
    return { ...decoded, steps, verdict, normalized: null };
  }
  const claims = decoded.claims ?? {};
  const alg = jws.header.alg as AsymmetricAlg;

  // 2. Algorithm allowlist.
  try {
    parseCompactJws(token, { maxBytes: o.maxTokenBytes, algorithms: o.algorithms });
    add("alg", "pass", `${alg} is allowed (${o.algorithms.join(", ")}).`);
  } catch (err) {
    fail("alg", asEnforcerError(err), [
      `The token says ${String(jws.header.alg)}; the policy allows ${o.algorithms.join(", ")}.`,
    ]);
  }

  // 3. typ.
  try {
    checkTokenType(jws.header.typ, o.requireTokenType);
    add("typ", "pass", `typ ${jws.header.typ ?? "(none)"} is an access token type.`);
  } catch (err) {
    fail("typ", asEnforcerError(err));
  }

  // 4. Key by kid from the live JWKS (with the enforcer's forced refresh on an unknown kid).
  let key: KeyObject | undefined;
  const jwks = createJwksCache({
    jwksUri: o.jwksUri,
    issuer: o.issuers[0] ?? o.jwksUri,
    ttlSec: o.jwksCacheTtlSec,
    graceSec: o.jwksGraceSec,
    forcedRefreshMinIntervalSec: 0,
    fetchTimeoutMs: o.fetchTimeoutMs,
    maxJwksBytes: o.maxJwksBytes,
    now,
    fetch: fetchOnce,
  });
  const keyAlg = o.algorithms.includes(alg) ? alg : (o.algorithms[0] as AsymmetricAlg);
  try {
    key = await jwks.getKey(jws.header.kid, keyAlg);
    add("key", "pass", `kid ${JSON.stringify(jws.header.kid ?? null)} found in ${o.jwksUri}.`);
  } catch (err) {
    const e = asEnforcerError(err);
    const kids = jwks.keys().map((k) => k.kid ?? "(no kid)");
    fail("key", e, kids.length ? [`The JWKS holds kid ${kids.join(", ")}.`] : []);
  }

  // 5. Signature.
  if (!key) add("signature", "skip", "Not checked: no key.");
  else if (verifyJwsSignature(keyAlg, key, jws.signingInput, jws.signature))
    add("signature", "pass", "Verified with the IdP's key.");
  else fail("signature", new EnforcerError("signature_invalid", "signature verification failed"));

  // 6. Claim rules: the enforcer's checkTokenClaims, re-run with each failed rule relaxed so every
  // failing rule is reported, not only the first.
  const failed = new Map<StepId, EnforcerError>();
  let relaxed: ResolvedValidatorOptions = o;
  let probe: Record<string, unknown> = { ...claims };
  let stoppedAt: StepId | undefined;
  for (let round = 0; round < 8; round++) {
    try {
      checkTokenClaims(probe, relaxed, Math.floor(now() / 1000));
      break;
    } catch (err) {
      const e = asEnforcerError(err);
      const step = claimStep(e.code, e.message);
      if (failed.has(step) || e.code === "token_malformed") {
        if (!failed.has(step)) failed.set(step, e);
        stoppedAt = step;
        break;
      }
      failed.set(step, e);
      if (step === "issuer") relaxed = { ...relaxed, issuers: [String(probe.iss)] };
      else if (step === "id_token") probe = { ...probe, nonce: undefined, at_hash: undefined, c_hash: undefined };
      else if (step === "audience") relaxed = { ...relaxed, audiences: audList(probe.aud) };
      else if (e.code === "token_lifetime_too_long") relaxed = { ...relaxed, maxTokenLifetimeSec: 0 };
      else if (step === "time" && e.code !== "claim_missing")
        relaxed = { ...relaxed, clockToleranceSec: Number.MAX_SAFE_INTEGER };
      else {
        stoppedAt = step;
        break;
      }
    }
  }
  const claimHints: Partial<Record<StepId, string[]>> = {
    issuer: issuerHint(policy, claims),
    audience: audienceHint(policy, claims),
  };
  const claimSteps = ["issuer", "id_token", "audience", "time", "subject"] as const;
  const stopIndex = stoppedAt ? claimSteps.indexOf(stoppedAt as (typeof claimSteps)[number]) : claimSteps.length;
  for (const [i, id] of claimSteps.entries()) {
    const e = failed.get(id);
    if (e) fail(id, e, claimHints[id] ?? []);
    else if (i > stopIndex) add(id, "skip", "Not checked: the claims stop at an earlier failure.");
    else add(id, "pass", passDetail(id, claims, o, now));
  }

  // 7. Scopes, as the enforcer's claim profile reads them.
  const normalized = normalizeClaims(policy.idp.kind, claims);
  const known = normalized.scopes.filter((s) => policy.scopesSupported.includes(s));
  const hints = scopeHints(policy, claims, normalized.scopes);
  if (known.length > 0)
    add("scopes", hints.length ? "warn" : "pass", `Scopes read: ${normalized.scopes.join(" ")}.`, { hints });
  else
    add(
      "scopes",
      "warn",
      normalized.scopes.length
        ? `Scopes read: ${normalized.scopes.join(" ")}; none is one of this resource's scopes.`
        : "No scope found in the token.",
      {
        hints,
        fix: adviceFor("insufficient_scope", advice),
      },
    );

  // 8. The simulated request through the enforcer's authorizer.
  if (!opts.request) add("request", "skip", "No MCP method chosen.");
  else {
    const token: ValidatedToken = {
      claims,
      subject: typeof claims.sub === "string" ? claims.sub : "",
      clientId: normalized.clientId,
      scopes: normalized.scopes,
      roles: normalized.roles,
      expiresAt: typeof claims.exp === "number" ? claims.exp : 0,
    };
    const label = `${opts.request.method}${opts.request.tool ? ` ${opts.request.tool}` : ""}`;
    try {
      authorizeMessage(policy, token, rpcInfo(opts.request));
      add("request", "pass", `${label} is allowed for these scopes.`);
    } catch (err) {
      fail("request", asEnforcerError(err));
    }
  }
  return { ...decoded, steps, verdict, normalized: { ...normalized, clientId: normalized.clientId ?? null } };
}

const ALL_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

function rpcInfo(r: { method: string; tool?: string }) {
  const message: Record<string, unknown> = {
    jsonrpc: "2.0",
    id: 1,
    method: r.method,
    ...(r.tool ? { params: { name: r.tool } } : {}),
  };
  return {
    kind: "request" as const,
    method: r.method,
    id: 1,
    toolName: r.method === "tools/call" ? r.tool : undefined,
    message,
  };
}

/** The enforcer's own verdict: its full validator (fresh, uncached), then its authorizer. */
async function enforcerVerdict(
  token: string,
  o: ResolvedValidatorOptions,
  policy: EnforcerPolicy,
  request: DebugOptions["request"],
): Promise<DebugResult["verdict"]> {
  const validator = createTokenValidator({
    issuer: [...o.issuers],
    audience: [...o.audiences],
    jwksUri: o.jwksUri,
    algorithms: [...o.algorithms],
    clockToleranceSec: o.clockToleranceSec,
    maxTokenLifetimeSec: o.maxTokenLifetimeSec,
    requireTokenType: o.requireTokenType,
    profile: o.profile,
    now: o.now,
    fetch: o.fetch,
    verifiedCacheSize: 0,
  });
  try {
    const validated = await validator.validate(token);
    if (request) authorizeMessage(policy, validated, rpcInfo(request));
    return {
      allowed: true,
      code: null,
      message: request ? "The enforcer would allow this request." : "The enforcer accepts this token.",
    };
  } catch (err) {
    const e = asEnforcerError(err);
    return { allowed: false, code: e.code, message: e.message };
  } finally {
    validator.clearCache();
  }
}

function passDetail(
  id: StepId,
  claims: Record<string, unknown>,
  o: ResolvedValidatorOptions,
  now: () => number,
): string {
  switch (id) {
    case "issuer":
      return `iss ${JSON.stringify(claims.iss)} is trusted.`;
    case "id_token":
      return "No nonce / at_hash: an access token.";
    case "audience":
      return `aud ${JSON.stringify(claims.aud)} matches.`;
    case "time": {
      const exp = typeof claims.exp === "number" ? claims.exp : 0;
      return `Expires in ${exp - Math.floor(now() / 1000)} s (tolerance ${o.clockToleranceSec} s).`;
    }
    default:
      return `sub ${JSON.stringify(claims.sub)}.`;
  }
}

function audList(aud: unknown): string[] {
  return typeof aud === "string"
    ? [aud]
    : Array.isArray(aud)
      ? aud.filter((a): a is string => typeof a === "string")
      : [];
}

function malformed(message: string): EnforcerError {
  return new EnforcerError("token_malformed", message);
}

function asEnforcerError(err: unknown): EnforcerError {
  if (err instanceof EnforcerError) return err;
  return malformed(err instanceof Error ? err.message : String(err));
}

/** Header and claims decoded for display only (no trust): a best effort even when the structure fails. */
function decodeForDisplay(token: string): {
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
} {
  const [h, p] = token.split(".");
  return { header: decodeSegment(h), claims: decodeSegment(p) };
}

function decodeSegment(segment: string | undefined): Record<string, unknown> | null {
  if (!segment || segment.length > 64 * 1024) return null;
  try {
    const value = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** One JWKS fetch per debug run, shared by the step-by-step cache and the full validator. */
function memoizedFetch(inner: typeof fetch): typeof fetch {
  const bodies = new Map<string, Promise<{ status: number; body: string; type: string }>>();
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    let entry = bodies.get(url);
    if (!entry) {
      entry = inner(url, init).then(async (r) => ({
        status: r.status,
        body: await r.text(),
        type: r.headers.get("content-type") ?? "application/json",
      }));
      bodies.set(url, entry);
    }
    const { status, body, type } = await entry;
    return new Response(body, { status, headers: { "content-type": type } });
  }) as typeof fetch;
}
