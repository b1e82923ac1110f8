import type { RateLimits } from "@/lib/enforcer/policy";

/** Labels and DOMAIN.md defaults of the per-client rate limits. */
export const RATE_LIMIT_FIELDS: [keyof RateLimits, string, string][] = [
  ["toolInvocationsPerMin", "Tool invocations per minute", "Default 100."],
  ["resourceReadsPerMin", "Resource reads per minute", "Default 500."],
  ["tokenRefreshPerHour", "Token refreshes per hour", "Default 10."],
  ["failedAuthMax", "Failed auths before lockout", "Default 5."],
  ["failedAuthWindowSec", "Failed-auth window (seconds)", "Default 300 (5 min)."],
  ["failedAuthBlockSec", "Lockout duration (seconds)", "Default 900 (15 min)."],
];
