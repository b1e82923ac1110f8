import "server-only";
import { env } from "../env";

/**
 * Where to send a user after sign-in (issue 23 §1): the one rule for every post-sign-in redirect
 * (the sign-in page for a signed-in visitor, the password form, next-auth's SSO callback).
 *
 * A string test such as "starts with / and not //" is not how a browser reads a URL: `/\evil.example`,
 * `/<TAB>/evil.example` and `///evil.example` all leave the site. So the value is parsed the way a
 * browser parses it (WHATWG URL, against NEXTAUTH_URL) and kept only when the resulting origin is
 * identical to ours; anything else, and anything unparsable, is `/`. The result is a path (with query
 * and fragment) that cannot be read as another host.
 *
 * @example postSignInRedirect("/resources/abc?tab=tools") // "/resources/abc?tab=tools"
 * @example postSignInRedirect("/\\evil.example")           // "/"
 */
export function postSignInRedirect(value: unknown, base: string | undefined = env().NEXTAUTH_URL): string {
  if (typeof value !== "string" || value === "" || value.length > 2048 || !base) return "/";
  const origin = new URL(base).origin;
  let target: URL;
  try {
    target = new URL(value, `${origin}/`);
  } catch {
    return "/";
  }
  if (target.origin !== origin) return "/";
  const path = `${target.pathname}${target.search}${target.hash}`;
  // "/.//evil" normalizes to the path "//evil", which a browser would read as a host.
  return path.startsWith("//") ? "/" : path;
}

/** The same rule for next-auth's `redirect` callback, which wants an absolute URL. */
export function postSignInRedirectUrl(url: string, baseUrl: string): string {
  return new URL(postSignInRedirect(url, baseUrl), baseUrl).href;
}
