import "server-only";
import { z } from "zod";

/**
 * The only reader of process.env in the control plane. Parsed once, at first use;
 * every problem is named at once so a misconfigured deploy fails with one clear message.
 */
const roleName = z.enum(["owner", "admin", "viewer"]);

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z
      .string()
      .default("file:./data/portcullis.db")
      .refine(
        (v) => /^(file:|postgres(ql)?:\/\/)/.test(v),
        "must start with file: (SQLite) or postgres:// / postgresql://",
      ),
    NEXTAUTH_URL: z.url().optional(),
    NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)").optional(),
    PORTCULLIS_ENCRYPTION_KEY: z
      .string()
      .regex(/^[A-Za-z0-9+/_-]{43}=?$|^[0-9a-fA-F]{64}$/, "must be 32 bytes as base64 (44 chars) or hex (64 chars)")
      .optional(),
    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").max(256).optional(),
    OIDC_ISSUER: z.url().optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_DISPLAY_NAME: z.string().min(1).max(60).default("Single sign-on"),
    OIDC_SCOPES: z.string().default("openid email profile groups"),
    OIDC_ROLE_CLAIM: z.string().min(1).default("groups"),
    OIDC_ROLE_MAP: z
      .string()
      .default("")
      .transform((v, ctx) => {
        const map: Record<string, "owner" | "admin" | "viewer"> = {};
        for (const pair of v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)) {
          const [claim, role] = pair.split("=").map((s) => s.trim());
          const parsed = roleName.safeParse(role);
          if (!claim || !parsed.success) {
            ctx.addIssue({
              code: "custom",
              message: `bad entry "${pair}": expected <claim value>=<owner|admin|viewer>`,
            });
            continue;
          }
          map[claim] = parsed.data;
        }
        return map;
      }),
    OIDC_DEFAULT_ROLE: z.union([roleName, z.literal("none")]).default("none"),
    /** Link an SSO identity to the existing local admin with the same IdP-verified email (off: refused). */
    OIDC_LINK_BY_EMAIL: z
      .enum(["true", "false"])
      .default("false")
      .transform((v) => v === "true"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    TRUST_PROXY: z
      .enum(["true", "false"])
      .default("false")
      .transform((v) => v === "true"),
    TELEMETRY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
    ROLLUP_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /** Bearer token Prometheus sends to GET /api/metrics; unset: only signed-in admins (telemetry.read) can read it. */
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").max(256).optional(),
    PORTCULLIS_VERSION: z.string().default("0.1.0"),
    /** Alert e-mail over SMTP (nodemailer). Unset SMTP_HOST: e-mail channels fail their deliveries with a clear error. */
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
    /** true: implicit TLS (port 465); false: STARTTLS when the server offers it. */
    SMTP_SECURE: z
      .enum(["true", "false"])
      .default("false")
      .transform((v) => v === "true"),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASSWORD: z.string().min(1).optional(),
    SMTP_FROM: z.string().min(3).default("Portcullis <alerts@portcullis.local>"),
    /** Outbound fetches to admin-given URLs (IdP Test connection, tools import, alert webhooks: lib/server/net/safe-fetch.ts) may reach private/loopback addresses only when true. */
    ALLOW_PRIVATE_NETWORK_FETCH: z
      .enum(["true", "false"])
      .default("false")
      .transform((v) => v === "true"),
    /**
     * The config signing key's crypto-period: it is rotated automatically at the first publish after it
     * ends (an alert warns 14 days before, for enforcers that pin the JWKS). NIST SP 800-57: 1-3 years.
     */
    CONFIG_SIGNING_KEY_LIFETIME_DAYS: z.coerce.number().int().min(1).max(1095).default(365),
    /** How often the alert evaluator runs (one replica at a time); 60 s by default, as the rollups are per minute. */
    ALERT_EVAL_INTERVAL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
    /** Audit streaming (lib/server/audit-stream): how often sinks are worked, and the retry backoff (doubling, ±50% jitter, capped). */
    AUDIT_STREAM_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
    AUDIT_STREAM_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(5_000),
    AUDIT_STREAM_RETRY_MAX_MS: z.coerce.number().int().min(10).max(3_600_000).default(300_000),
    /** Set by Next during `next build`; the build needs no runtime secrets. */
    NEXT_PHASE: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      ctx.addIssue({
        code: "custom",
        path: ["OIDC_ISSUER"],
        message: "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together",
      });
    }
    // The config signing key is stored encrypted with it: a server without it could not publish.
    if (
      env.NODE_ENV === "production" &&
      env.NEXT_PHASE !== "phase-production-build" &&
      !env.PORTCULLIS_ENCRYPTION_KEY
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["PORTCULLIS_ENCRYPTION_KEY"],
        message: "is required in production (32 random bytes, base64 or hex: openssl rand -base64 32)",
      });
    }
    if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
      ctx.addIssue({ code: "custom", path: ["ADMIN_EMAIL"], message: "ADMIN_EMAIL and ADMIN_PASSWORD go together" });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "unset" (docker-compose and shells produce them).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return result.data;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export function isPostgres(): boolean {
  return /^postgres(ql)?:\/\//.test(env().DATABASE_URL);
}
