import { isLoopbackHost } from "./idp-profiles";

/**
 * Canonical resource URI (RFC 8707 §2, MCP authorization "Canonical Server URI"): absolute, https
 * (plain http only on loopback), no fragment, no query, no user info; scheme and host lower-case
 * (RFC 3986 §6.2.2.1), the scheme's default port dropped (§6.2.3), dot segments removed, and no
 * trailing slash unless the path is "/".
 * Pure (no server-only): the resource form previews the normalized value with the same code.
 *
 * @example normalizeResourceUri("HTTPS://MCP.Example.com:443/mcp/") // { ok: true, uri: "https://mcp.example.com/mcp" }
 */
export function normalizeResourceUri(input: string): { ok: true; uri: string } | { ok: false; error: string } {
  const raw = input.trim();
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(raw))
    return { ok: false, error: "Enter an absolute URI such as https://mcp.example.com/mcp." };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, error: "This is not a valid URI." };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, error: "Use an https URI." };
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname))
    return { ok: false, error: "Use https (plain http is allowed only for 127.0.0.1, localhost and ::1)." };
  if (!url.hostname) return { ok: false, error: "The URI needs a host." };
  // RFC 8707 §2: "MUST NOT include a fragment component"; the query "SHOULD NOT" be used either.
  if (raw.includes("#")) return { ok: false, error: "A resource URI must not contain a fragment (#…)." };
  if (url.search || raw.includes("?")) return { ok: false, error: "A resource URI should not contain a query (?…)." };
  if (url.username || url.password) return { ok: false, error: "A resource URI must not contain user info." };
  // WHATWG URL already lower-cases scheme and host, drops default ports and resolves dot segments.
  const trimmed = url.pathname === "/" ? "/" : url.pathname.replace(/\/+$/, "");
  // RFC 3986 §6.2.2.1: percent-encoded octets compare case-insensitively; use upper case.
  const path = trimmed.replace(/%[0-9a-f]{2}/gi, (m) => m.toUpperCase());
  return { ok: true, uri: `${url.protocol}//${url.host}${path}` };
}
