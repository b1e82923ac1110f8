/**
 * Telemetry's own work per request, in process: `authorizeParts` on a verified-token cache hit (the request
 * path as the Node adapters call it), with the enforcer compiled as it ships (compile.ts), once without a
 * sink and once with each part of telemetry: the decision record alone (its two clock readings, handed to a
 * sink that does nothing), the metrics sink, the network client (its worker thread shipping to a loopback
 * collector), and both as shipped. The main thread's CPU time (schedstat) per request, in interleaved rounds
 * whose order alternates (ABBA), so drift lands on every mode alike; each part's cost is the median of the
 * per-block differences from "off", in ns, with its 90 % bootstrap interval. This is the cost of the code
 * itself: over HTTP (telemetry-enforcer-http.ts) the same work shows larger on this kind of machine.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Core from "../../lib/enforcer/enforcer";
import type * as Client from "../../lib/enforcer/telemetry/client";
import type * as Metrics from "../../lib/enforcer/telemetry/metrics";
import { startJwksServer } from "../../lib/enforcer/test-utils/jwks-server";
import { TEST_RESOURCE, testPolicy } from "../../lib/enforcer/test-utils/policy";
import type { RequestParts } from "../../lib/enforcer/types";
import { startCollector } from "./collector";
import { compileForBench } from "./compile";
import { abbaDifference, median } from "./stats";
import { benchCall } from "./telemetry-call";
import { mainThreadCpuUs } from "./thread-cpu";

export const TELEMETRY_PARTS = ["seam", "metrics", "client", "on"] as const;
type Part = (typeof TELEMETRY_PARTS)[number];

/** Telemetry's in-process cost per request. */
export interface TelemetryParts {
  rounds: number;
  perRound: number;
  /** Main-thread CPU per request without telemetry, ns (median of the rounds). */
  offNs: number;
  /** Each part's added main-thread CPU per request, ns: the median of the ABBA blocks and its interval. */
  added: Record<Part, { ns: number; low: number; high: number }>;
}

export async function benchTelemetryParts(
  rounds = Number(process.env.BENCH_TELEMETRY_PARTS_ROUNDS ?? 200),
  perRound = 2_000,
): Promise<TelemetryParts> {
  if (rounds < 2 || rounds % 2 !== 0) throw new RangeError("rounds must be even: rounds pair into ABBA blocks");
  const dir = compileForBench(process.cwd(), join(process.cwd(), "node_modules", ".cache", "portcullis-bench-parts"));
  const load = <T>(file: string) => import(pathToFileURL(join(dir, "lib", "enforcer", file)).href) as Promise<T>;
  const { createEnforcer } = await load<typeof Core>("enforcer.js");
  const { createTelemetryClient, fanOutSink } = await load<typeof Client>("telemetry/client.js");
  const { createEnforcerMetrics } = await load<typeof Metrics>("telemetry/metrics.js");

  const { key, headers, body } = benchCall();
  const jwks = await startJwksServer([key.jwk]);
  const collector = await startCollector();
  const policy = testPolicy(jwks.url);
  const client = createTelemetryClient({ url: collector.url, credential: "pcl_bench", instance: { id: "parts" } });
  const enforcers = {
    off: createEnforcer({ policy }),
    seam: createEnforcer({ policy, sink: { emit: () => {}, decision: () => {} } }),
    metrics: createEnforcer({ policy, sink: createEnforcerMetrics() }),
    client: createEnforcer({ policy, sink: client }),
    on: createEnforcer({ policy, sink: fanOutSink(createEnforcerMetrics({ telemetry: client }), client) }),
  };
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const parts: RequestParts = {
    method: "POST",
    url: TEST_RESOURCE,
    header: (name) => lower.get(name) ?? null,
    // A fresh string per request, as a body read from a socket is.
    readBody: () => body.slice(0),
  };
  const modes = ["off", ...TELEMETRY_PARTS] as const;
  const run = async (mode: (typeof modes)[number], n: number) => {
    const enforcer = enforcers[mode];
    const before = mainThreadCpuUs() ?? Number.NaN;
    for (let i = 0; i < n; i++) {
      const decision = await enforcer.authorizeParts(parts);
      if (!decision.allowed) throw new Error(`${mode}: refused`);
    }
    return (((mainThreadCpuUs() ?? Number.NaN) - before) * 1000) / n;
  };
  for (const mode of modes) await run(mode, 5_000); // JWKS, verified-token cache, JIT
  const samples = Object.fromEntries(modes.map((m) => [m, [] as number[]])) as Record<(typeof modes)[number], number[]>;
  for (let r = 0; r < rounds; r++) {
    for (const mode of r % 2 === 0 ? modes : [...modes].reverse()) samples[mode].push(await run(mode, perRound));
  }
  await client.close();
  collector.stop();
  await jwks.close();
  return {
    rounds,
    perRound,
    offNs: Math.round(median(samples.off)),
    added: Object.fromEntries(TELEMETRY_PARTS.map((p) => [p, abbaDifference(samples[p], samples.off)])) as Record<
      Part,
      { ns: number; low: number; high: number }
    >,
  };
}

if (process.argv[1]?.endsWith("telemetry-parts.ts")) {
  console.dir(await benchTelemetryParts(), { depth: 4 });
  process.exit(0);
}
