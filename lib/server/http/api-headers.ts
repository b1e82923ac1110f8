/**
 * The static security headers of every `/api/*` answer (proxy.ts, which sets them on pages, does not run
 * for /api). One list for both places that answer /api: next.config.ts's `headers()` and the server's direct
 * config path (enforcers/config-poll-node.ts). No "server-only" import: next.config.ts reads it at build time.
 */
export const API_SECURITY_HEADERS: readonly { key: string; value: string }[] = [
  { key: "x-content-type-options", value: "nosniff" },
  { key: "referrer-policy", value: "strict-origin-when-cross-origin" },
  { key: "x-frame-options", value: "DENY" },
  // JSON, CSV and next-auth's few plain pages (inline styles): nothing else may load.
  {
    key: "content-security-policy",
    value:
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
  },
];

/** HSTS, sent only when the client reached us over TLS (directly or through a TLS proxy), as proxy.ts does for pages. */
export const API_HSTS = { key: "strict-transport-security", value: "max-age=31536000; includeSubDomains" } as const;
