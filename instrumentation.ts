/** Next.js start-up hook: runs once per server process, before the first request. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // The config long-poll straight from scripts/serve.mjs, before Next's router (issue 17), in production builds;
  // CONFIG_FAST_PATH=off leaves it to the route handler (the bench's comparison), as `next dev` does (hot reload).
  if (process.env.NODE_ENV === "production" && process.env.CONFIG_FAST_PATH !== "off") {
    const { CONFIG_FAST_PATH, handleConfigRequest } = await import("@/lib/server/enforcers/config-poll-node");
    (globalThis as Record<symbol, unknown>)[CONFIG_FAST_PATH] = handleConfigRequest;
    // Heartbeats the same way: the whole fleet sends one every 30 s and after each apply.
    const { HEARTBEAT_FAST_PATH, handleHeartbeatRequest } = await import("@/lib/server/enforcers/heartbeat-node");
    (globalThis as Record<symbol, unknown>)[HEARTBEAT_FAST_PATH] = handleHeartbeatRequest;
  }
  const { ensureBootstrapOwner } = await import("@/lib/server/bootstrap");
  await ensureBootstrapOwner();
  const { ensureAuditAnchor } = await import("@/lib/server/audit");
  await ensureAuditAnchor();
  await import("@/lib/server/telemetry/jobs"); // registers telemetry retention
  const { ensureDefaultAlertRules } = await import("@/lib/server/alerts/rules");
  // The DOMAIN.md thresholds, on from the first start. A failure is logged, never fatal: the next start retries.
  await ensureDefaultAlertRules().catch((err: unknown) =>
    console.error("alert rule seeding failed:", err instanceof Error ? err.message : err),
  );
  await import("@/lib/server/alerts/jobs"); // registers the alert evaluator and delivery retries
  await import("@/lib/server/audit-stream/jobs"); // registers audit streaming to the SIEM sinks
  const { startBackgroundJobs } = await import("@/lib/server/jobs");
  startBackgroundJobs();
}
