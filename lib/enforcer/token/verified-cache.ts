/**
 * Verified-token cache: token → normalized result, bounded, each entry dropped at the token's `exp`
 * (never later; the clock leeway applies to fresh validations only, so a cached entry can never outlive
 * what a full validation would accept).
 *
 * Lookup: a `Map` keyed by the token's last {@link KEY_CHARS} characters (the tail of the signature,
 * which differs between any two signatures), then an exact comparison with the whole token stored in
 * the entry. The tail is only a cheap hash: a hit always requires the very same token that was
 * verified, so a token that merely shares the tail is a miss and goes the full way. Why not a digest:
 * SHA-256 of a ~700-byte token costs ≈0.7 µs in a tight loop and ≈2-3 µs of server CPU inside an HTTP
 * server (cold OpenSSL code), the largest single cost of a cache hit; V8 hashing the whole token as a
 * `Map` key costs about the same. The price: entries hold the tokens themselves (bounded by capacity ×
 * `maxTokenBytes`; only tokens that passed validation are ever stored, so only real, unexpired tokens,
 * which also sit in every request's headers), where a digest key kept them out of heap dumps.
 *
 * Eviction: CLOCK (second chance), an LRU approximation: a hit only sets a flag (no `Map` writes on
 * the hot path); when full, the oldest entry is evicted unless it was used since the hand last passed,
 * in which case it moves to the young end with its flag cleared.
 *
 * One cache belongs to one validator, and a validator to one IdP configuration: when the policy's
 * token rules change the enforcer builds a new validator, so old results cannot survive the change;
 * the validator clears it when a key leaves the JWKS.
 */
import type { ValidatedToken } from "./types.js";

/** Characters of the token's end used as the map key (192 bits of a signature). */
const KEY_CHARS = 32;

/** A bounded cache of validated tokens. @example cache.get(token, Date.now()) */
export interface VerifiedTokenCache {
  get(token: string, nowMs: number): ValidatedToken | undefined;
  set(token: string, value: ValidatedToken, nowMs: number): void;
  readonly size: number;
  clear(): void;
}

interface Entry {
  /** The whole token: a hit needs an exact match, the key is only its tail. */
  token: string;
  value: ValidatedToken;
  expiresAtMs: number;
  /** Hit since the eviction hand last passed (CLOCK second chance). */
  used: boolean;
}

/**
 * Creates the cache. `capacity` 0 disables it (every call misses, nothing is stored).
 *
 * @example
 * const cache = createVerifiedTokenCache(10_000);
 * cache.set(jwt, validated, Date.now());
 */
export function createVerifiedTokenCache(capacity: number): VerifiedTokenCache {
  const entries = new Map<string, Entry>();
  return {
    get(token, nowMs) {
      if (capacity === 0) return undefined;
      const key = token.length > KEY_CHARS ? token.slice(-KEY_CHARS) : token;
      const entry = entries.get(key);
      if (entry === undefined || entry.token !== token) return undefined;
      if (nowMs >= entry.expiresAtMs) {
        entries.delete(key);
        return undefined;
      }
      entry.used = true;
      return entry.value;
    },
    set(token, value, nowMs) {
      const expiresAtMs = value.expiresAt * 1000;
      if (capacity === 0 || nowMs >= expiresAtMs) return;
      const key = token.length > KEY_CHARS ? token.slice(-KEY_CHARS) : token;
      // A different token with the same tail is replaced (a lost hit, never a wrong one).
      entries.delete(key);
      // Make room before inserting, so the new entry is never the one evicted. At most one pass: every
      // entry moved to the young end has its flag cleared and is evictable the next time round.
      while (entries.size >= capacity) {
        const oldest = entries.entries().next();
        if (oldest.done) break;
        const [oldKey, entry] = oldest.value;
        entries.delete(oldKey);
        if (entry.used && nowMs < entry.expiresAtMs) {
          entry.used = false;
          entries.set(oldKey, entry);
        }
      }
      entries.set(key, { token, value: freezeResult(value), expiresAtMs, used: false });
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
    },
  };
}

/** Shared between requests, so callers must not be able to change what the next request sees. */
function freezeResult(value: ValidatedToken): ValidatedToken {
  Object.freeze(value.scopes);
  Object.freeze(value.roles);
  deepFreeze(value.claims);
  return Object.freeze(value);
}

function deepFreeze(obj: unknown): void {
  if (obj === null || typeof obj !== "object" || Object.isFrozen(obj)) return;
  Object.freeze(obj);
  for (const v of Object.values(obj)) deepFreeze(v);
}
