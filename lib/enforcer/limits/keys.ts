/**
 * Keys of the enforcer's rate limits and failed-authentication lockout (issue 10 #13).
 *
 * - One budget per (client, subject): the users of one shared agent no longer drain each other's budget. An
 *   optional client-wide cap (`clientToolInvocationsPerMin`, `clientResourceReadsPerMin`) bounds the client
 *   as a whole.
 * - Every part is percent-encoded inside a fixed layout (`tool|c=…|s=…`), so no client id or subject can
 *   spell another key (a client named `sub:alice` used to share the bucket of the client-less user alice).
 * - The lockout is per IPv4 address and per IPv6 /64: one host usually holds a whole /64, so per-address
 *   keys let it rotate through 2^64 addresses.
 */
import { isIPv4, isIPv6 } from "node:net";
import type { ValidatedToken } from "../token/types.js";

const part = (value: string) => encodeURIComponent(value);

/**
 * The per-user key of a category: client and subject, both encoded. @example userKey("tool", token) // "tool|c=agent-1|s=alice"
 */
export function userKey(category: string, token: ValidatedToken): string {
  return `${category}|c=${token.clientId === undefined ? "-" : part(token.clientId)}|s=${part(token.subject)}`;
}

/** The client-wide key of a category (`undefined` without a client id). @example clientKey("tool", token) // "tool|c=agent-1|*" */
export function clientKey(category: string, token: ValidatedToken): string | undefined {
  return token.clientId === undefined ? undefined : `${category}|c=${part(token.clientId)}|*`;
}

/** Lockout keys: `fail|a=…` counts failures, `lock|a=…` holds the lockout. @example lockoutKey("fail", "2001:db8::1") */
export function lockoutKey(kind: "fail" | "lock", address: string): string {
  return `${kind}|a=${part(lockoutAddress(address))}`;
}

/**
 * The address a lockout applies to: an IPv4 address as is (IPv4-mapped IPv6 too), an IPv6 address as its /64
 * (`2001:db8:1:2::/64`), anything else unchanged.
 *
 * @example
 * lockoutAddress("2001:db8:1:2::7") // "2001:db8:1:2::/64"
 */
export function lockoutAddress(address: string): string {
  const bare = address.split("%")[0] ?? address; // a zone id (fe80::1%eth0) names an interface, not a host
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1];
  return `${ipv6Groups(bare).slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  let text = address.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...fill, ...right].map((g) => Number.parseInt(g, 16).toString(16));
}
