import { type NextRequest, NextResponse } from "next/server";

/**
 * Runs before every route: a request id, security headers with a per-request CSP nonce,
 * and a redirect of signed-out page visits to /signin. It is never the only check:
 * every page, action and route handler checks the actor itself; /api/* answers JSON.
 */
const PUBLIC_PAGES = ["/signin"];
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export function proxy(request: NextRequest) {
  // scripts/serve.mjs stamps a fresh id on every request (a client's own id never arrives under this name).
  const requestId = request.headers.get("x-request-id") || crypto.randomUUID();
  const nonce = btoa(crypto.randomUUID());
  const isDev = process.env.NODE_ENV === "development";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");

  const path = request.nextUrl.pathname;
  const isPage = !path.startsWith("/api/") && !path.startsWith("/_next/") && !path.startsWith("/.well-known/");
  const signedIn = SESSION_COOKIES.some((c) => request.cookies.has(c));
  if (isPage && !signedIn && !PUBLIC_PAGES.some((p) => path.startsWith(p))) {
    const url = request.nextUrl.clone();
    url.pathname = "/signin";
    url.search = path === "/" ? "" : `?callbackUrl=${encodeURIComponent(path)}`;
    return withSecurityHeaders(NextResponse.redirect(url), requestId, csp, request);
  }

  const forwarded = new Headers(request.headers);
  forwarded.set("x-request-id", requestId);
  forwarded.set("x-nonce", nonce);
  forwarded.set("content-security-policy", csp);
  return withSecurityHeaders(NextResponse.next({ request: { headers: forwarded } }), requestId, csp, request);
}

function withSecurityHeaders(
  response: NextResponse,
  requestId: string,
  csp: string,
  request: NextRequest,
): NextResponse {
  response.headers.set("x-request-id", requestId);
  response.headers.set("content-security-policy", csp);
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("referrer-policy", "strict-origin-when-cross-origin");
  response.headers.set("x-frame-options", "DENY");
  response.headers.set("permissions-policy", "camera=(), microphone=(), geolocation=()");
  // HSTS only when the browser reached us over TLS (directly or through a TLS proxy).
  const proto = request.headers.get("x-forwarded-proto") ?? request.nextUrl.protocol.replace(":", "");
  if (proto === "https") response.headers.set("strict-transport-security", "max-age=31536000; includeSubDomains");
  return response;
}

/**
 * Pages only. A request the proxy matches has its whole body buffered by Next before the proxy runs,
 * i.e. before any authentication (issue 10 §7: 50 anonymous 10 MB posts took 300 MB). /api/* needs
 * nothing from here: every route handler authenticates first and reads its body with its own cap,
 * serve.mjs stamps the request id, and next.config.ts sets the API's security headers. Page POSTs
 * (server actions) are capped by experimental.proxyClientMaxBodySize in next.config.ts.
 */
export const config = {
  matcher: [{ source: "/((?!api/|_next/static|_next/image|favicon.ico|robots.txt|logo.svg|icon.svg).*)" }],
};
