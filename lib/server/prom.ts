import "server-only";
import { Counter, type Registry, register } from "prom-client";

/**
 * The process's one registry (what /api/metrics exposes). Next's bundler may load prom-client itself more
 * than once per process: the instrumentation hook and the route handlers are separate bundles, and
 * scripts/serve.mjs's direct config path (enforcers/config-poll-node.ts) counts from the hook's copy. The
 * first copy's default registry is kept on `globalThis`, and every metric registers there.
 */
const shared = globalThis as unknown as { portcullisPromRegistry?: Registry };
shared.portcullisPromRegistry ??= register;
export const registry: Registry = shared.portcullisPromRegistry;

/**
 * Metrics on the shared registry, looked up before creation: Next may evaluate a module more than once per
 * process, and a second `new Counter` with the same name would throw.
 *
 * @example const polls = registered("portcullis_config_polls_total", () => new Counter({ … }));
 */
export function registered<T>(name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/**
 * A labelled counter, created once per process.
 *
 * @example const polls = counter("portcullis_config_polls_total", "Enforcer config API answers", ["status"]);
 */
export function counter(name: string, help: string, labelNames: string[]): Counter<string> {
  return registered(name, () => new Counter({ name, help, labelNames, registers: [registry] }));
}
