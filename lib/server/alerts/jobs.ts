import "server-only";
import { env } from "../env";
import { registerJob } from "../jobs";
import { log } from "../log";
import { deliverDue } from "./deliver";
import { evaluateAlerts } from "./evaluate";

/** Imported once from instrumentation.ts: the evaluator (every ALERT_EVAL_INTERVAL_MS) and the delivery retries. */
const every = env().ALERT_EVAL_INTERVAL_MS;
registerJob({
  name: "alerts.evaluate",
  everyMs: every,
  run: async () => {
    // Half an interval: replicas whose timers drift apart still evaluate each minute once.
    const r = await evaluateAlerts({ minIntervalMs: every / 2 });
    if (r.ran && (r.transitions.opened || r.transitions.resolved || r.notifications))
      log.info({ transitions: r.transitions, notifications: r.notifications, ms: Math.round(r.durationMs) }, "alerts");
    if (r.notifications) await deliverDue();
  },
});
registerJob({ name: "alerts.deliver", everyMs: 10_000, run: async () => void (await deliverDue()) });
