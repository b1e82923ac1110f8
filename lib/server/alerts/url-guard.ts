import "server-only";
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { env } from "../env";
import { AppError } from "../errors";

/**
 * SSRF guard for admin-given notification URLs. A minimal stand-in for lib/server/net/safe-fetch.ts
 * (`assertPublicUrl`), which another change is writing: switch to it once it lands. The check runs
 * when a channel is saved AND before every delivery (DNS may change in between), on every address
 * the name resolves to; deliveries never follow redirects, so a public URL cannot bounce inward.
 * ALLOW_PRIVATE_NETWORK_FETCH=true lifts it (on-premises receivers, loopback tests).
 */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata (169.254.169.254)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  PRIVATE.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8],
  ["64:ff9b::", 96], // NAT64 of v4 addresses
] as const)
  PRIVATE.addSubnet(net, prefix, "ipv6");

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, "ipv4");
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped) return PRIVATE.check(mapped, "ipv4");
    return PRIVATE.check(address, "ipv6");
  }
  return true; // not an address: fail closed
}

/** The problem with a URL's syntax, or null. https everywhere; http only when private fetches are allowed. */
export function urlSyntaxProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter an absolute URL, e.g. https://hooks.example.com/portcullis.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "Use an https URL.";
  if (url.protocol === "http:" && !env().ALLOW_PRIVATE_NETWORK_FETCH) return "Use https.";
  if (url.username || url.password) return "A URL with credentials is not allowed.";
  return null;
}

/** Throws an invalid_input AppError (field `url`) unless the URL is public, or private fetches are allowed. */
export async function assertPublicUrl(value: string, field = "url"): Promise<void> {
  const refuse = (message: string) => new AppError("invalid_input", message, { fieldErrors: { [field]: [message] } });
  const problem = urlSyntaxProblem(value);
  if (problem) throw refuse(problem);
  if (env().ALLOW_PRIVATE_NETWORK_FETCH) return;
  const host = new URL(value).hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    throw refuse(`The host ${host} does not resolve.`);
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress))
    throw refuse(
      `The host ${host} is a private, loopback or link-local address; set ALLOW_PRIVATE_NETWORK_FETCH=true to allow internal receivers.`,
    );
}
