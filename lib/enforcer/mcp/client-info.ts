/**
 * The calling client's self-description for telemetry: `_meta["io.modelcontextprotocol/clientInfo"]` of every
 * 2026-07-28 request, or `params.clientInfo` of a 2025-era `initialize`. Client-supplied text, so it is bounded in
 * size (printable characters only, name ≤ 64, version ≤ 32) and in cardinality per resource: past
 * {@link MAX_CLIENTS_PER_RESOURCE} distinct name/version pairs, new ones are recorded as `(other)`, so a caller
 * inventing names cannot grow the dashboards' tables. Never used to authorize anything.
 */
import type { JsonRpcInfo } from "./jsonrpc.js";
import { requestMeta } from "./revision.js";

export const CLIENT_INFO_META = "io.modelcontextprotocol/clientInfo";
export const MAX_CLIENTS_PER_RESOURCE = 64;
const MAX_NAME = 64;
const MAX_VERSION = 32;
const MAX_RESOURCES = 64;

/** What a decision records about the client software. @example { name: "Claude Desktop", version: "2.4.1" } */
export interface ClientInfo {
  name: string;
  version?: string;
}

function clean(value: unknown, max: number): string | undefined {
  if (typeof value !== "string") return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const text = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "").trim();
  if (text === "") return undefined;
  return [...text].slice(0, max).join("");
}

/**
 * Reads and bounds the client info of a request (undefined when it carries none).
 *
 * @example
 * const bounds = createClientInfoBounds(); bounds.read(resourceUri, rpc) // { name: "raw-test", version: "0.0.1" }
 */
export interface ClientInfoBounds {
  /** The bounded client info (shared between requests of one client: read it, never change it). */
  read(resource: string, rpc: JsonRpcInfo): Readonly<ClientInfo> | undefined;
}

/** Raw name/version pairs remembered per enforcer, with what they became (see {@link createClientInfoBounds}). */
const RECENT_PAIRS = 8;
/** Longest raw name or version remembered (UTF-16 units; longer ones are cleaned every time). */
const MAX_REMEMBERED = 256;

interface RecentPair {
  resource: string;
  name: string;
  version: string | undefined;
  info: Readonly<ClientInfo> | undefined;
}

/** Creates the per-enforcer cardinality bound. @example const bounds = createClientInfoBounds(); */
export function createClientInfoBounds(): ClientInfoBounds {
  const seen = new Map<string, Set<string>>();
  // A 2026-07-28 client sends the same clientInfo on every request: the last few raw pairs and their outcome
  // skip the cleaning (two regular-expression passes and a code-point copy each, ≈0.5 µs per request). Only
  // string pairs of at most MAX_REMEMBERED units are kept, compared by value; the outcome of a pair cannot
  // change until `seen` is cleared, which clears these too. Replaced round robin, so a caller inventing names
  // only evicts.
  let recent: RecentPair[] = [];
  let next = 0;

  function bounded(resource: string, rawName: unknown, rawVersion: unknown): ClientInfo | undefined {
    const name = clean(rawName, MAX_NAME);
    if (name === undefined) return undefined;
    const version = clean(rawVersion, MAX_VERSION);
    let pairs = seen.get(resource);
    if (!pairs) {
      if (seen.size >= MAX_RESOURCES) {
        seen.clear();
        recent = [];
        next = 0;
      }
      pairs = new Set();
      seen.set(resource, pairs);
    }
    const key = `${name}\u0000${version ?? ""}`;
    if (!pairs.has(key)) {
      if (pairs.size >= MAX_CLIENTS_PER_RESOURCE) return { name: "(other)" };
      pairs.add(key);
    }
    return version === undefined ? { name } : { name, version };
  }

  return {
    read(resource, rpc) {
      const raw =
        requestMeta(rpc)?.[CLIENT_INFO_META] ??
        (rpc.method === "initialize"
          ? (rpc.message.params as { clientInfo?: unknown } | undefined)?.clientInfo
          : undefined);
      if (raw === null || typeof raw !== "object") return undefined;
      const rawName = (raw as { name?: unknown }).name;
      const rawVersion = (raw as { version?: unknown }).version;
      // Only short strings are remembered: a caller sending huge names cannot make the enforcer hold on to them.
      if (
        typeof rawName !== "string" ||
        rawName.length > MAX_REMEMBERED ||
        (rawVersion !== undefined && (typeof rawVersion !== "string" || rawVersion.length > MAX_REMEMBERED))
      )
        return bounded(resource, rawName, rawVersion);
      for (const r of recent) {
        if (r.name === rawName && r.version === rawVersion && r.resource === resource) return r.info;
      }
      const made = bounded(resource, rawName, rawVersion);
      const info = made && Object.freeze(made);
      recent[next] = { resource, name: rawName, version: rawVersion, info };
      next = (next + 1) % RECENT_PAIRS;
      return info;
    },
  };
}
