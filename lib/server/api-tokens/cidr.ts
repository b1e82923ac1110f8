import "server-only";
import { BlockList, isIP } from "node:net";
import { normalizeIp } from "../request-context";

/**
 * Source-address allowlists of API tokens. A CIDR is `address/bits` (a bare address means /32 or
 * /128); IPv4-mapped IPv6 client addresses are compared as IPv4 (normalizeIp does that).
 */
export interface Cidr {
  address: string;
  bits: number;
  family: "ipv4" | "ipv6";
}

export function parseCidr(text: string): Cidr | null {
  const [rawAddress, rawBits, ...rest] = text.trim().split("/");
  if (rest.length > 0 || !rawAddress) return null;
  const address = normalizeIp(rawAddress);
  if (!address) return null;
  const family = isIP(address) === 4 ? "ipv4" : "ipv6";
  const max = family === "ipv4" ? 32 : 128;
  if (rawBits !== undefined && !/^\d{1,3}$/.test(rawBits)) return null;
  const bits = rawBits === undefined ? max : Number(rawBits);
  if (bits > max) return null;
  return { address, bits, family };
}

/** The canonical text stored and shown (`10.0.0.0/8`). */
export function formatCidr(c: Cidr): string {
  return `${c.address}/${c.bits}`;
}

/**
 * Fail closed: with an allowlist, an unknown client address (null) is refused. Without one
 * (empty list), every address is allowed.
 */
export function addressAllowed(ip: string | null, cidrs: readonly string[]): boolean {
  if (cidrs.length === 0) return true;
  const address = normalizeIp(ip);
  if (!address) return false;
  const family = isIP(address) === 4 ? "ipv4" : "ipv6";
  const list = new BlockList();
  for (const text of cidrs) {
    const c = parseCidr(text);
    if (c && c.family === family) list.addSubnet(c.address, c.bits, c.family);
  }
  return list.check(address, family);
}
