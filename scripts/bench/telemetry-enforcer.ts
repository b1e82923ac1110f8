/**
 * The enforcer's added latency with telemetry on vs off, side by side in one process: the same
 * policy, token and MCP request through `enforcer.handle`, once with no sink and once with the
 * metrics sink plus the network telemetry client (shipping gzip batches to a loopback collector that
 * stands in for the control plane, in another process; the client's JSON, gzip and HTTP work shares
 * the enforcer's event loop as it would in production). Each request starts from a fresh macrotask (setImmediate), as a request read from a
 * socket does, so the telemetry client's timers and sends interleave with requests as in a server
 * (a bare await loop would never let them run). Rounds alternate the order (off/on, on/off) to cancel
 * drift; the overhead is the median of the paired on/off ratios.
 */
import { createEnforcer } from "../../lib/enforcer/enforcer";
import { createTelemetryClient, fanOutSink } from "../../lib/enforcer/telemetry/client";
import { createEnforcerMetrics } from "../../lib/enforcer/telemetry/metrics";
import { startJwksServer } from "../../lib/enforcer/test-utils/jwks-server";
import { TEST_RESOURCE, testPolicy } from "../../lib/enforcer/test-utils/policy";
import type { Enforcer } from "../../lib/enforcer/types";
import { startCollector } from "./collector";
import { abbaOverheadPct, median, type Overhead } from "./stats";
import { benchCall } from "./telemetry-call";

export interface EnforcerOverhead {
  requestsPerRound: number;
  rounds: number;
  offUsPerRequest: number;
  onUsPerRequest: number;
  /** Paired median of on/off wall time per request, minus one, in %, with its 90 % bootstrap interval. */
  overhead: Overhead;
  offCpuUsPerRequest: number;
  onCpuUsPerRequest: number;
  /** Same for the process's CPU time per request (immune to other processes taking the cores). */
  cpuOverhead: Overhead;
  eventsSent: number;
  eventsDropped: number;
}

export async function benchEnforcerOverhead(rounds = 24, perRound = 5_000): Promise<EnforcerOverhead> {
  const { key, headers, body } = benchCall();
  const jwks = await startJwksServer([key.jwk]);
  const collector = await startCollector();
  const policy = testPolicy(jwks.url);
  const next = async () =>
    new Response('{"jsonrpc":"2.0","id":1,"result":{"content":[]}}', {
      headers: { "content-type": "application/json" },
    });

  const telemetry = createTelemetryClient({ url: collector.url, credential: "pcl_bench", instance: { id: "bench" } });
  const metrics = createEnforcerMetrics({ telemetry });
  const modes: Record<"off" | "on", Enforcer> = {
    off: createEnforcer({ policy }),
    on: createEnforcer({ policy, sink: fanOutSink(metrics, telemetry) }),
  };

  /** Wall time and this process's CPU time (all its threads: gzip runs on the libuv pool) per request, µs. */
  async function round(enforcer: Enforcer, n: number): Promise<{ wall: number; cpu: number }> {
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      const res = await enforcer.handle(new Request(TEST_RESOURCE, { method: "POST", headers, body }), next);
      if (res.status !== 200) throw new Error(`unexpected ${res.status}`);
    }
    const used = process.cpuUsage(cpu);
    return { wall: ((performance.now() - started) * 1000) / n, cpu: (used.user + used.system) / n };
  }

  await round(modes.off, 2000); // warm-up: JWKS fetch, verified-token cache, JIT
  await round(modes.on, 2000);
  const samples = { off: [] as { wall: number; cpu: number }[], on: [] as { wall: number; cpu: number }[] };
  for (let r = 0; r < rounds; r++) {
    const order: ("off" | "on")[] = r % 2 === 0 ? ["off", "on"] : ["on", "off"];
    for (const mode of order) samples[mode].push(await round(modes[mode], perRound));
  }
  await telemetry.close();
  const stats = telemetry.stats();
  collector.stop();
  await jwks.close();
  // Paired in ABBA blocks of two rounds (see abbaOverheadPct).
  const paired = (k: "wall" | "cpu") =>
    abbaOverheadPct(
      samples.on.map((v) => v[k]),
      samples.off.map((v) => v[k]),
    );
  const us = (x: number) => Math.round(x * 10) / 10;
  return {
    requestsPerRound: perRound,
    rounds,
    offUsPerRequest: us(median(samples.off.map((x) => x.wall))),
    onUsPerRequest: us(median(samples.on.map((x) => x.wall))),
    overhead: paired("wall"),
    offCpuUsPerRequest: us(median(samples.off.map((x) => x.cpu))),
    onCpuUsPerRequest: us(median(samples.on.map((x) => x.cpu))),
    cpuOverhead: paired("cpu"),
    eventsSent: stats.sent,
    eventsDropped: stats.dropped,
  };
}

if (process.argv[1]?.endsWith("telemetry-enforcer.ts")) {
  console.log(await benchEnforcerOverhead());
  process.exit(0);
}
