/** Next.js start-up hook: runs once per server process, before the first request. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ensureBootstrapOwner } = await import("@/lib/server/bootstrap");
  await ensureBootstrapOwner();
  await import("@/lib/server/telemetry/jobs"); // registers telemetry retention
  const { ensureDefaultAlertRules } = await import("@/lib/server/alerts/rules");
  await ensureDefaultAlertRules(); // the DOMAIN.md thresholds, on from the first start
  await import("@/lib/server/alerts/jobs"); // registers the alert evaluator and delivery retries
  const { startBackgroundJobs } = await import("@/lib/server/jobs");
  startBackgroundJobs();
}
