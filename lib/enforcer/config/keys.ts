/**
 * Where the config client gets the control plane's public keys. A pinned JWKS object is used as
 * is (the strongest form: nothing on the network can change it). A JWKS URL is fetched once,
 * again when a bundle names an unknown kid (a signing-key rotation; at most every 30 s), kept
 * beside the config cache file and read from there when the URL is unreachable at a restart.
 */
import type { JSONWebKeySet } from "jose";
import { readCacheFile, writeFileAtomic } from "./cache.js";

/**
 * A source of verification keys.
 *
 * @example
 * const jwks = await source.get({ refresh: true });
 */
export interface ConfigKeySource {
  /** Whether the keys are a pinned object (never refreshed). */
  pinned: boolean;
  get(opts?: { refresh?: boolean }): Promise<JSONWebKeySet>;
}

const REFRESH_MIN_INTERVAL_MS = 30_000;

/**
 * Create the key source of a config client.
 *
 * @example
 * const keys = createConfigKeySource({ jwks: "https://portcullis.example.com/.well-known/portcullis-jwks.json" });
 * const bundle = await verifyConfigJws(jws, await keys.get());
 */
export function createConfigKeySource(options: {
  jwks: JSONWebKeySet | string | URL;
  fetch?: typeof fetch;
  cacheFile?: string | undefined;
}): ConfigKeySource {
  const source = options.jwks;
  if (typeof source !== "string" && !(source instanceof URL)) {
    if (!Array.isArray(source?.keys)) throw new TypeError("jwks must be a JWK Set ({ keys: [...] }) or its URL");
    return { pinned: true, get: async () => source };
  }
  const url = new URL(source);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let keySet: JSONWebKeySet | undefined;
  let lastForcedAt = Number.NEGATIVE_INFINITY;
  return {
    pinned: false,
    async get(opts = {}) {
      const forced = Boolean(keySet && opts.refresh && Date.now() - lastForcedAt > REFRESH_MIN_INTERVAL_MS);
      if (keySet && !forced) return keySet;
      if (forced) lastForcedAt = Date.now();
      try {
        const res = await fetchImpl(url, { signal: AbortSignal.timeout(10_000) });
        if (!res.ok) throw new Error(`the JWKS URL answered ${res.status}`);
        const fetched = (await res.json()) as JSONWebKeySet;
        if (!Array.isArray(fetched?.keys)) throw new Error("the JWKS has no keys array");
        keySet = fetched;
        if (options.cacheFile) await writeFileAtomic(options.cacheFile, JSON.stringify(fetched)).catch(() => {});
        return fetched;
      } catch (err) {
        if (keySet) return keySet;
        const cached = options.cacheFile ? await readCacheFile(options.cacheFile) : undefined;
        if (!cached) throw err;
        keySet = JSON.parse(cached) as JSONWebKeySet;
        return keySet;
      }
    },
  };
}
