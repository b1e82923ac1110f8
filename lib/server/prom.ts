import "server-only";
import { Counter, register } from "prom-client";

/**
 * Metrics on prom-client's default registry (what /api/metrics exposes), looked up before creation:
 * Next may evaluate a module more than once per process, and a second `new Counter` with the same name
 * would throw.
 *
 * @example const polls = registered("portcullis_config_polls_total", () => new Counter({ … }));
 */
export function registered<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

/**
 * A labelled counter, created once per process.
 *
 * @example const polls = counter("portcullis_config_polls_total", "Enforcer config API answers", ["status"]);
 */
export function counter(name: string, help: string, labelNames: string[]): Counter<string> {
  return registered(name, () => new Counter({ name, help, labelNames }));
}
