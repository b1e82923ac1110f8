/**
 * Verification of a signed config bundle: a compact JWS (RFC 7515 §7.1), ES256 only, explicitly
 * typed `portcullis-config+jwt` (RFC 8725 §3.11), signed by a key of the pinned control-plane JWKS,
 * whose payload passes the same `ConfigBundle` schema the control plane validated before signing.
 * Every failure is a {@link ConfigRejection} with a stable code; nothing here throws anything else.
 */
import type { KeyObject } from "node:crypto";
import type { JSONWebKeySet } from "jose";
import { EnforcerError, ReasonCode } from "../errors.js";
import { ConfigBundle } from "../policy.js";
import { type ImportedKey, importVerificationKey, selectKey } from "../token/jwk-import.js";
import {
  decodeBase64Url,
  type ParsedJws,
  parseCompactJws,
  parseJsonObject,
  verifyJwsSignature,
} from "../token/jws-verify.js";

/** The JWS `typ` of a config bundle. @example header.typ === CONFIG_JWS_TYP */
export const CONFIG_JWS_TYP = "portcullis-config+jwt";
/** The only algorithm a config bundle may use. @example verifyConfigJws(jws, jwks) // ES256 only */
export const CONFIG_JWS_ALG = "ES256";

/**
 * Why a bundle was refused. Stable strings (for logs, heartbeats and alerts).
 *
 * @example
 * onReject: (r) => log.warn({ code: r.code }, r.message)
 */
export type ConfigRejectionCode =
  | "malformed"
  | "unsigned"
  | "alg_not_allowed"
  | "wrong_type"
  | "unknown_key"
  | "bad_signature"
  | "invalid_schema"
  | "wrong_resource"
  | "stale_version"
  | "unannounced";

/**
 * A refused bundle: the code, a readable message, and the version it claimed when known.
 *
 * @example
 * const rejection = new ConfigRejection("bad_signature", "signature does not verify");
 */
export class ConfigRejection extends Error {
  override readonly name = "ConfigRejection";
  readonly code: ConfigRejectionCode;
  readonly version: number | undefined;
  constructor(code: ConfigRejectionCode, message: string, version?: number) {
    super(message);
    this.code = code;
    this.version = version;
  }
}

const MAX_JWS_BYTES = 5 * 1024 * 1024;
/** A signed announcement is a few hundred bytes; a response header far larger is not one. */
const MAX_ANNOUNCEMENT_BYTES = 8 * 1024;

/**
 * The pinned key set, imported once per key-set object (issue 17: importing the key for every check was the
 * largest single cost of applying a bundle, ahead of the signature itself). The keys' JSON is the fingerprint,
 * so a set changed in place is imported afresh, never checked against its old keys. Import rules are the
 * enforcer's own (`token/jwk-import.ts`: `use`/`key_ops`, public members only, a key's own `alg`).
 */
const keySets = new WeakMap<JSONWebKeySet, { fingerprint: string; keys: ImportedKey[] }>();

function importedKeys(jwks: JSONWebKeySet): ImportedKey[] {
  const fingerprint = JSON.stringify(jwks.keys);
  const known = keySets.get(jwks);
  if (known?.fingerprint === fingerprint) return known.keys;
  const keys = (Array.isArray(jwks.keys) ? jwks.keys : [])
    .map(importVerificationKey)
    .filter((k): k is ImportedKey => k !== undefined);
  keySets.set(jwks, { fingerprint, keys });
  return keys;
}

/** The index of the second of exactly two dots (three segments), or -1. @example secondDot("a.b.c") // 3 */
function secondDot(text: string): number {
  const first = text.indexOf(".");
  const second = first < 0 ? -1 : text.indexOf(".", first + 1);
  return second < 0 || text.indexOf(".", second + 1) !== -1 ? -1 : second;
}

/**
 * A reader of the protected header of a compact JWS (its first segment, which the caller knows ends at a dot),
 * with the enforcer's strict core (canonical base64url, a JSON object); undefined when it is not one. The control
 * plane signs every bundle with one header and every announcement with another, so each reader keeps the last
 * header it read and matches it by its exact text: an apply reads both for a prefix compare each, where jose's
 * `decodeProtectedHeader` took about 2.5 µs a call. The strict parse that follows (parseCompactJws) reads the
 * header again, from its own cache.
 */
function headerReader(): (text: string) => Readonly<Record<string, unknown>> | undefined {
  let lastB64 = "";
  let last: Readonly<Record<string, unknown>> | undefined;
  return (text) => {
    const first = text.indexOf(".");
    if (last !== undefined && first === lastB64.length && text.lastIndexOf(lastB64, 0) === 0) return last;
    const headerB64 = text.slice(0, first);
    let header: Readonly<Record<string, unknown>>;
    try {
      header = Object.freeze(parseJsonObject(decodeBase64Url(headerB64), "header"));
    } catch {
      return undefined;
    }
    // Only a header of a usual size is kept.
    if (headerB64.length <= 1024) {
      lastB64 = headerB64;
      last = header;
    }
    return header;
  };
}
const bundleHeader = headerReader();
const announcementHeader = headerReader();

/**
 * Checks an ES256 compact JWS against the pinned keys with the enforcer's own JWS core (`token/jws-verify.ts`:
 * strict parse, `crit`/`b64` refused, canonical base64url, a 64-byte P1363 signature through `node:crypto`) and
 * its key choice (`selectKey`: by `kid`, else the only ES256 key), and returns the payload bytes. Throws
 * {@link ConfigRejection} `unknown_key`, `bad_signature`, or `malformedCode` for a structural defect.
 */
function verifyEs256(text: string, jwks: JSONWebKeySet, maxBytes: number, malformedCode: ConfigRejectionCode): Buffer {
  let jws: ParsedJws;
  try {
    jws = parseCompactJws(text, { maxBytes, algorithms: [CONFIG_JWS_ALG] });
  } catch (err) {
    if (err instanceof EnforcerError && err.code === ReasonCode.SignatureInvalid)
      throw new ConfigRejection("bad_signature", "the bundle is not signed");
    throw new ConfigRejection(malformedCode, `the JWS is malformed (${(err as Error).message})`);
  }
  let key: KeyObject | "unknown";
  try {
    key = selectKey(importedKeys(jwks), jws.header.kid, CONFIG_JWS_ALG);
  } catch {
    key = "unknown"; // a kid on a key for another algorithm, or no kid and several keys: no pinned key fits
  }
  if (key === "unknown")
    throw new ConfigRejection("unknown_key", `no pinned key matches kid ${String(jws.header.kid)}`);
  if (!verifyJwsSignature(CONFIG_JWS_ALG, key, jws.signingInput, jws.signature))
    throw new ConfigRejection("bad_signature", "the signature does not verify (altered, or signed by another key)");
  return jws.payload;
}

/**
 * Verify a config JWS against the pinned key set and parse its bundle. Throws {@link ConfigRejection}.
 *
 * @example
 * const bundle = await verifyConfigJws(await res.text(), pinnedJwks, { resourceId: "res_123" });
 * enforcerPolicy = bundle.policy;
 */
export async function verifyConfigJws(
  jws: string,
  jwks: JSONWebKeySet,
  expect: { resourceId?: string | undefined } = {},
): Promise<ConfigBundle> {
  const text = jws.trim();
  if (text.length > MAX_JWS_BYTES) throw new ConfigRejection("malformed", "bundle is too large");
  const second = secondDot(text);
  if (second < 0) throw new ConfigRejection("malformed", "not a compact JWS (expected three dot-separated parts)");
  const header = bundleHeader(text);
  if (header === undefined)
    throw new ConfigRejection("malformed", "the JWS protected header is not valid base64url JSON");
  // An unsecured JWS (RFC 7515 §A.5, alg "none") or a missing signature is never a bundle.
  if (header.alg === "none" || second === text.length - 1)
    throw new ConfigRejection("unsigned", "the bundle is not signed");
  if (header.alg !== CONFIG_JWS_ALG)
    throw new ConfigRejection("alg_not_allowed", `algorithm ${String(header.alg)} is not allowed (ES256 only)`);
  if (header.typ !== CONFIG_JWS_TYP)
    throw new ConfigRejection("wrong_type", `typ ${String(header.typ)} is not ${CONFIG_JWS_TYP}`);
  // Keys come only from the pinned set; jwk/jku/x5u in the header are never followed.
  if (header.jwk || header.jku || header.x5u)
    throw new ConfigRejection("malformed", "embedded or remote keys are refused");
  const payload = verifyEs256(text, jwks, MAX_JWS_BYTES, "malformed");
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString("utf8"));
  } catch {
    throw new ConfigRejection("invalid_schema", "the payload is not JSON");
  }
  const parsed = ConfigBundle.safeParse(raw);
  const claimed =
    typeof (raw as { version?: unknown })?.version === "number" ? (raw as { version: number }).version : undefined;
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ConfigRejection(
      "invalid_schema",
      `the bundle does not match the schema: ${first ? `${first.path.join(".")}: ${first.message}` : "invalid"}`,
      claimed,
    );
  }
  if (expect.resourceId !== undefined && parsed.data.resourceId !== expect.resourceId)
    throw new ConfigRejection("wrong_resource", `the bundle is for resource ${parsed.data.resourceId}`, claimed);
  return parsed.data;
}

/** The response header carrying the signed latest-version announcement (issue 10 #6). */
export const LATEST_VERSION_HEADER = "x-portcullis-latest-version";
/** The JWS `typ` of that announcement. @example header.typ === LATEST_JWS_TYP */
export const LATEST_JWS_TYP = "portcullis-latest+jwt";

/**
 * The control plane's signed statement, made when it answers, of the highest version published for a resource.
 * A bundle is signed once, at publish; without this, an old but validly signed bundle replayed to an enforcer
 * with no cache (a fresh start) would be taken.
 *
 * @example
 * const latest = await verifyLatestAnnouncement(res.headers.get(LATEST_VERSION_HEADER), jwks, Date.now());
 */
export interface LatestAnnouncement {
  resourceId: string;
  version: number;
  /** When the control plane signed it, epoch seconds. */
  iat: number;
}

/**
 * Verify an announcement (same pinned keys, ES256, typ `portcullis-latest+jwt`) no older than `maxAgeSec`.
 * Throws {@link ConfigRejection} `unannounced` (absent, malformed, stale) or `unknown_key`/`bad_signature`.
 *
 * @example
 * const { version } = await verifyLatestAnnouncement(header, jwks, Date.now(), 300);
 */
export async function verifyLatestAnnouncement(
  jws: string | null,
  jwks: JSONWebKeySet,
  nowMs: number,
  maxAgeSec = 300,
): Promise<LatestAnnouncement> {
  if (!jws)
    throw new ConfigRejection(
      "unannounced",
      `the response has no ${LATEST_VERSION_HEADER} header: update the control plane, or let the proxy pass the header`,
    );
  const header = secondDot(jws) < 0 ? undefined : announcementHeader(jws);
  if (header === undefined) throw new ConfigRejection("unannounced", `${LATEST_VERSION_HEADER} is not a compact JWS`);
  if (header.alg !== CONFIG_JWS_ALG || header.typ !== LATEST_JWS_TYP || header.jwk || header.jku || header.x5u)
    throw new ConfigRejection("unannounced", `${LATEST_VERSION_HEADER} is not an ES256 ${LATEST_JWS_TYP}`);
  let payload: Buffer;
  try {
    payload = verifyEs256(jws, jwks, MAX_ANNOUNCEMENT_BYTES, "unannounced");
  } catch (err) {
    if (err instanceof ConfigRejection && err.code === "bad_signature")
      throw new ConfigRejection("bad_signature", `the ${LATEST_VERSION_HEADER} signature does not verify`);
    throw err;
  }
  let claims: Partial<LatestAnnouncement>;
  try {
    claims = JSON.parse(payload.toString("utf8")) as Partial<LatestAnnouncement>;
  } catch {
    throw new ConfigRejection("unannounced", `${LATEST_VERSION_HEADER} is not JSON`);
  }
  const { resourceId, version, iat } = claims;
  if (typeof resourceId !== "string" || !Number.isInteger(version) || typeof iat !== "number")
    throw new ConfigRejection("unannounced", `${LATEST_VERSION_HEADER} lacks resourceId, version or iat`);
  const age = nowMs / 1000 - iat;
  // A replayed answer carries the announcement of its day: refused once older than maxAgeSec (60 s of skew allowed).
  if (age > maxAgeSec || age < -60)
    throw new ConfigRejection("unannounced", `${LATEST_VERSION_HEADER} was signed ${Math.round(age)} s ago`);
  return { resourceId, version: version as number, iat };
}
