import "server-only";
import { Counter, register } from "prom-client";

/**
 * Config-distribution metrics on prom-client's default registry (what /api/metrics exposes).
 * Looked up before creation: Next may evaluate this module more than once per process.
 */
function counter(name: string, help: string, labelNames: string[]): Counter<string> {
  const existing = register.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, labelNames });
}

/** Rejected enforcer credentials, by reason (missing, malformed, unknown, revoked, expired). */
export const enforcerAuthRejected = counter(
  "portcullis_enforcer_auth_rejected_total",
  "Enforcer requests refused for a missing, unknown, revoked or expired credential",
  ["reason"],
);

/** Config API answers, by status (200 bundle, 304 not modified, 404 nothing published). */
export const configPolls = counter("portcullis_config_polls_total", "Enforcer config API answers", ["status"]);
