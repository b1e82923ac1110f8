import "server-only";
import { counter } from "../prom";

// Config-distribution metrics on prom-client's default registry (what /api/metrics exposes).

/** Rejected enforcer credentials, by reason (missing, malformed, unknown, revoked, expired). */
export const enforcerAuthRejected = counter(
  "portcullis_enforcer_auth_rejected_total",
  "Enforcer requests refused for a missing, unknown, revoked or expired credential",
  ["reason"],
);

/** Config API answers, by status (200 bundle, 304 not modified, 404 nothing published). */
export const configPolls = counter("portcullis_config_polls_total", "Enforcer config API answers", ["status"]);
