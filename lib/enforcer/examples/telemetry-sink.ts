// Any object with emit(event) is a sink. emit must not throw or block: queue and ship elsewhere.
import { createEnforcer, type TelemetryEvent, type TelemetrySink } from "portcullis/enforcer";
import { policy } from "./policy.js";

const logDenials: TelemetrySink = {
  emit(event: TelemetryEvent) {
    if (event.type === "decision" && event.outcome === "deny") {
      console.log(JSON.stringify({ reason: event.reason, client: event.clientId, tool: event.tool }));
    }
  },
};

export const enforcer = createEnforcer({ policy, sink: logDenials });
