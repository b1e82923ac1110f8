/**
 * Telemetry's own work per request, in process: `authorizeParts` on a verified-token cache hit (the request
 * path as the Node adapters call it), with the enforcer compiled as it ships (compile.ts), once without a
 * sink and once with each part of telemetry: the decision record alone (with the shipped sinks' sampled timing,
 * handed to a sink that does nothing), the metrics sink, the client's copy into its rows alone (nothing sent), the
 * network client (its worker thread shipping to a loopback collector), and both as shipped. The main
 * thread's CPU time (schedstat) per request, in interleaved rounds whose order alternates (ABBA), so drift
 * lands on every mode alike; each part's cost is the median of the per-block differences from "off", in ns,
 * with its 90 % bootstrap interval. This is the cost of the code itself: over HTTP (telemetry-enforcer-http.ts)
 * the same work shows larger on this kind of machine.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Core from "../../lib/enforcer/enforcer";
import type * as Client from "../../lib/enforcer/telemetry/client";
import type * as Metrics from "../../lib/enforcer/telemetry/metrics";
import type * as Segment from "../../lib/enforcer/telemetry/segment";
import { startJwksServer } from "../../lib/enforcer/test-utils/jwks-server";
import { TEST_RESOURCE, testPolicy } from "../../lib/enforcer/test-utils/policy";
import type { RequestParts } from "../../lib/enforcer/types";
import { startCollector } from "./collector";
import { compileForBench } from "./compile";
import { abbaDifference, median } from "./stats";
import { benchCall } from "./telemetry-call";
import { copyOnlySink } from "./telemetry-copy-sink";
import { mainThreadCpuUs } from "./thread-cpu";

/** The parts of telemetry that are one sink each (also measured over HTTP, in slices). */
export const SINK_PARTS = ["seam", "metrics", "copy", "client"] as const;
export const TELEMETRY_PARTS = [...SINK_PARTS, "on"] as const;
type Part = (typeof TELEMETRY_PARTS)[number];
type Added = { ns: number; low: number; high: number };

/** Telemetry's in-process cost per request. */
export interface TelemetryParts {
  rounds: number;
  perRound: number;
  /** Main-thread CPU per request without telemetry, ns (median of the rounds). */
  offNs: number;
  /** Each part's added main-thread CPU per request, ns: the median of the ABBA blocks and its interval. */
  added: Record<Part, Added>;
  /** Telemetry on against off for a 2026-07-28 request (clientInfo in every request's `_meta`). */
  modern: Added;
  /**
   * The same parts with one system call (getrusage) between requests, as a server makes several per request
   * (read, write, epoll): on a machine whose kernel flushes the TLB at every entry (page-table isolation
   * without PCID; kernel-entry.ts says which), whatever a request touches is cold again. On a kernel that does
   * not flush, the HTTP share still came out at three to five times the warm figure (README, Performance).
   */
  cold: { rounds: number; offNs: number; added: Record<Part, Added> };
}

export async function benchTelemetryParts(
  rounds = Number(process.env.BENCH_TELEMETRY_PARTS_ROUNDS ?? 200),
  perRound = 2_000,
): Promise<TelemetryParts> {
  if (rounds < 4 || rounds % 4 !== 0) throw new RangeError("rounds must be a multiple of 4 (ABBA blocks, half cold)");
  const dir = compileForBench(process.cwd(), join(process.cwd(), "node_modules", ".cache", "portcullis-bench-parts"));
  const load = <T>(file: string) => import(pathToFileURL(join(dir, "lib", "enforcer", file)).href) as Promise<T>;
  const { createEnforcer } = await load<typeof Core>("enforcer.js");
  const { createTelemetryClient, fanOutSink } = await load<typeof Client>("telemetry/client.js");
  const { createEnforcerMetrics } = await load<typeof Metrics>("telemetry/metrics.js");
  const { TelemetrySegment } = await load<typeof Segment>("telemetry/segment.js");

  const { key, headers, body, modern } = benchCall();
  const jwks = await startJwksServer([key.jwk]);
  const collector = await startCollector();
  const policy = testPolicy(jwks.url);
  const client = createTelemetryClient({ url: collector.url, credential: "pcl_bench", instance: { id: "parts" } });
  const on = () => createEnforcer({ policy, sink: fanOutSink(createEnforcerMetrics({ telemetry: client }), client) });
  const enforcers = {
    off: createEnforcer({ policy }),
    seam: createEnforcer({ policy, sink: { emit: () => {}, decision: () => {}, decisionTiming: "sampled" } }),
    metrics: createEnforcer({ policy, sink: createEnforcerMetrics() }),
    copy: createEnforcer({ policy, sink: copyOnlySink(TelemetrySegment) }),
    client: createEnforcer({ policy, sink: client }),
    on: on(),
    off2026: createEnforcer({ policy }),
    on2026: on(),
  };
  const request = (call: { headers: Record<string, string>; body: string }): RequestParts => {
    const lower = new Map(Object.entries(call.headers).map(([k, v]) => [k.toLowerCase(), v]));
    return {
      method: "POST",
      url: TEST_RESOURCE,
      header: (name) => lower.get(name) ?? null,
      // A fresh string per request, as a body read from a socket is.
      readBody: () => call.body.slice(0),
    };
  };
  const legacy = request({ headers, body });
  const modernParts = request(modern);
  type Mode = keyof typeof enforcers;
  const run = async (mode: Mode, n: number, cold = false) => {
    const enforcer = enforcers[mode];
    const parts = mode.endsWith("2026") ? modernParts : legacy;
    const before = mainThreadCpuUs() ?? Number.NaN;
    for (let i = 0; i < n; i++) {
      if (cold) process.cpuUsage(); // one system call: getrusage(2)
      const decision = await enforcer.authorizeParts(parts);
      if (!decision.allowed) throw new Error(`${mode}: refused (${decision.error.code})`);
    }
    return (((mainThreadCpuUs() ?? Number.NaN) - before) * 1000) / n;
  };
  const interleaved = async (modes: readonly Mode[], count: number, cold: boolean) => {
    const samples = Object.fromEntries(modes.map((m) => [m, [] as number[]])) as Record<Mode, number[]>;
    for (let r = 0; r < count; r++) {
      for (const mode of r % 2 === 0 ? modes : [...modes].reverse())
        samples[mode].push(await run(mode, perRound, cold));
    }
    return samples;
  };
  for (const mode of Object.keys(enforcers) as Mode[]) await run(mode, 5_000); // JWKS, verified-token cache, JIT
  const warm = await interleaved(["off", ...TELEMETRY_PARTS, "off2026", "on2026"], rounds, false);
  const cold = await interleaved(["off", ...TELEMETRY_PARTS], rounds / 2, true);
  await client.close();
  collector.stop();
  await jwks.close();
  const addedBy = (samples: Record<Mode, number[]>) =>
    Object.fromEntries(TELEMETRY_PARTS.map((p) => [p, abbaDifference(samples[p], samples.off)])) as Record<Part, Added>;
  return {
    rounds,
    perRound,
    offNs: Math.round(median(warm.off)),
    added: addedBy(warm),
    modern: abbaDifference(warm.on2026, warm.off2026),
    cold: { rounds: rounds / 2, offNs: Math.round(median(cold.off)), added: addedBy(cold) },
  };
}

if (process.argv[1]?.endsWith("telemetry-parts.ts")) {
  console.dir(await benchTelemetryParts(), { depth: 4 });
  process.exit(0);
}
