import "server-only";
import { CompactSign } from "jose";
import { CONFIG_SIGNING_ALG, getActiveSigningKey } from "./signing-key";

/** JWS `typ` of the latest-version announcement (lib/enforcer/config/verify.ts checks the same string). */
export const LATEST_JWS_TYP = "portcullis-latest+jwt";
/** The response header that carries it. */
export const LATEST_VERSION_HEADER = "x-portcullis-latest-version";

/** An announcement is re-signed at most once a minute per resource and version (enforcers accept 300 s). */
const REUSE_MS = 60_000;
const MAX_CACHED = 10_000;
const cache = new Map<string, { jws: Promise<string>; at: number }>();

/**
 * Issue 10 #6: a bundle is signed once, at publish, so an old bundle stays validly signed forever. With every
 * bundle the config API sends `{ resourceId, version, iat }` signed now with the config signing key: the
 * enforcer refuses a bundle older than the announced version, and an announcement older than five minutes (a
 * replayed answer). The signature is shared (issue 17): a publish that wakes a thousand waiters signs once,
 * not once per waiter (the pending signature is cached, not only the finished one).
 */
export function announceLatest(resourceId: string, version: number): Promise<string> {
  const key = `${resourceId}\n${version}`;
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at < REUSE_MS) return hit.jws;
  const jws = sign(resourceId, version, now);
  if (cache.size >= MAX_CACHED) cache.clear();
  const entry = { jws, at: now };
  cache.set(key, entry);
  // A failed signature is not kept: the next caller tries again.
  jws.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return jws;
}

async function sign(resourceId: string, version: number, now: number): Promise<string> {
  const { kid, privateKey } = await getActiveSigningKey();
  const payload = JSON.stringify({ resourceId, version, iat: Math.floor(now / 1000) });
  return new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: CONFIG_SIGNING_ALG, kid, typ: LATEST_JWS_TYP })
    .sign(privateKey);
}
