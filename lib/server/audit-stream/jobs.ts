import "server-only";
import { env } from "../env";
import { registerJob } from "../jobs";
import { log } from "../log";
import { deliverAuditStreams } from "./deliver";

/** Imported once from instrumentation.ts: works the audit sinks every AUDIT_STREAM_INTERVAL_MS. */
registerJob({
  name: "audit-stream.deliver",
  everyMs: env().AUDIT_STREAM_INTERVAL_MS,
  run: async () => {
    const r = await deliverAuditStreams();
    if (r.failed) log.info({ delivered: r.delivered, failed: r.failed }, "audit stream");
  },
});
