import "server-only";
import { registerJob } from "../jobs";
import { log } from "../log";
import { pruneTelemetry } from "./retention";

/** Imported once from instrumentation.ts: registers the telemetry background jobs. */
registerJob({
  name: "telemetry.retention",
  everyMs: 10 * 60_000,
  run: async () => {
    const pruned = await pruneTelemetry(new Date());
    if (pruned.events || pruned.rollups || pruned.batches) log.info({ pruned }, "telemetry retention");
  },
});
