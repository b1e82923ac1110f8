/** Next.js start-up hook: runs once per server process, before the first request. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ensureBootstrapOwner } = await import("@/lib/server/bootstrap");
  await ensureBootstrapOwner();
  await import("@/lib/server/telemetry/jobs"); // registers telemetry retention
  const { startBackgroundJobs } = await import("@/lib/server/jobs");
  startBackgroundJobs();
}
