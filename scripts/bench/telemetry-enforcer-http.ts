/**
 * The enforcer's added latency over HTTP, telemetry off vs on: servers (the Node adapter, see
 * telemetry-enforcer-server.ts) in child processes, two per mode plus one without an enforcer, pinned
 * to CPU 0 when `taskset` exists, driven in alternating order by the raw-socket load generator from
 * this process. One connection gives the latency a client sees; eight connections saturate the server
 * and give its CPU cost.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { startJwksServer } from "../../lib/enforcer/test-utils/jwks-server";
import { createTestKey, signJws } from "../../lib/enforcer/test-utils/keys";
import { TEST_AUDIENCE, TEST_ISSUER } from "../../lib/enforcer/test-utils/policy";
import { startCollector } from "./collector";
import { buildRequest, runLoad } from "./load-generator";
import { canPin } from "./server-process";
import { median, pairedOverhead, pct } from "./stats";

export interface HttpOverhead {
  rounds: number;
  /** Mean latency of one connection (closed loop), µs: no enforcer, enforcer with telemetry off, on. */
  bareLatencyUs: number;
  offLatencyUs: number;
  onLatencyUs: number;
  /** Paired median of on/off − 1, in %: what a client sees. */
  latencyOverheadPct: number;
  /** Median (p50) latency of one connection, µs, off and on, and the paired overhead in %. */
  offP50Us: number;
  onP50Us: number;
  p50OverheadPct: number;
  /** Telemetry's cost as a share of the enforcer's own added latency: (on − off) / (off − bare), in %. */
  addedLatencySharePct: number;
  offRps: number;
  onRps: number;
  throughputCostPct: number;
  /** Server CPU time per request at saturation, µs (approximate: requests counted over warm-up + run). */
  offCpuUs: number;
  onCpuUs: number;
  cpuOverheadPct: number;
  pinned: boolean;
}

interface Child {
  port: number;
  /** The server's own CPU time so far, µs (SIGUSR2 → `STATS <cpu µs> …`). */
  cpu(): Promise<number>;
  stop(): void;
}

async function startChild(args: string[], env: Record<string, string>, pin: boolean): Promise<Child> {
  const argv = [process.execPath, "--import", "tsx", ...args];
  const child: ChildProcess = pin
    ? spawn("taskset", ["-c", "0", ...argv], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env } })
    : spawn(argv[0] ?? "node", argv.slice(1), {
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, ...env },
      });
  const waiters: ((line: string) => void)[] = [];
  let out = "";
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
      for (let nl = out.indexOf("\n"); nl !== -1; nl = out.indexOf("\n")) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        const m = /LISTENING (\d+)/.exec(line);
        if (m) resolve(Number(m[1]));
        else waiters.shift()?.(line);
      }
    });
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    port,
    cpu: () =>
      new Promise<number>((resolve) => {
        waiters.push((line) => resolve(Number(line.split(" ")[1])));
        child.kill("SIGUSR2");
      }),
    stop: () => child.kill(),
  };
}

export async function benchEnforcerOverHttp(rounds = 8): Promise<HttpOverhead> {
  const pin = canPin();
  const key = createTestKey("RS256");
  const jwks = await startJwksServer([key.jwk]);
  const collector = await startCollector();
  const env = { BENCH_JWKS_URI: jwks.url, BENCH_COLLECTOR_URL: collector.url };
  // Two server processes per mode (A and B), averaged: one process's JIT and memory layout can differ
  // from another's by a few %, as much as the effect measured.
  const start = (mode: string) => startChild(["scripts/bench/telemetry-enforcer-server.ts", mode], env, pin);
  const servers = {
    bare: [await start("bare")],
    off: [await start("off"), await start("off")],
    on: [await start("on"), await start("on")],
  };
  const now = Math.floor(Date.now() / 1000);
  const token = signJws(
    { alg: "RS256", kid: key.kid, typ: "JWT" },
    {
      iss: TEST_ISSUER,
      aud: TEST_AUDIENCE,
      sub: "alice",
      azp: "agent-1",
      scope: "mcp:tools",
      iat: now,
      exp: now + 3600,
    },
    key.privateKey,
  );
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "read_file", arguments: {} },
  });
  const requests = [
    buildRequest(
      "/mcp",
      { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
      body,
    ),
  ];
  const load = (port: number, connections: number, durationMs: number) =>
    runLoad({ port, connections, warmupMs: 300, durationMs, requests });
  const all = Object.values(servers).flat();
  for (const s of all) await load(s.port, 4, 1500); // JWKS, caches, JIT
  type Mode = keyof typeof servers;
  const lat: Record<Mode, number[]> = { bare: [], off: [], on: [] };
  const p50: Record<Mode, number[]> = { bare: [], off: [], on: [] };
  const rps: Record<Mode, number[]> = { bare: [], off: [], on: [] };
  const cpu: Record<Mode, number[]> = { bare: [], off: [], on: [] };
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (let r = 0; r < rounds; r++) {
    const order: Mode[] = r % 2 === 0 ? ["bare", "off", "on"] : ["on", "off", "bare"];
    for (const mode of order) {
      const l: number[] = [];
      const m: number[] = [];
      const q: number[] = [];
      const c: number[] = [];
      for (const server of servers[mode]) {
        const one = await load(server.port, 1, 1500);
        if (one.non2xx || one.socketErrors)
          throw new Error(`${mode}: ${one.non2xx} non-2xx, ${one.socketErrors} socket errors`);
        l.push(1_000_000 / one.rps); // closed loop, one connection: mean latency in µs
        m.push(one.p50Ms * 1000);
        const before = await server.cpu();
        const eight = await load(server.port, 8, 1500);
        q.push(eight.rps);
        // Warm-up requests are included on both sides of the CPU reading: count them too.
        c.push(((await server.cpu()) - before) / (eight.rps * 1.8));
      }
      lat[mode].push(mean(l));
      p50[mode].push(mean(m));
      rps[mode].push(mean(q));
      cpu[mode].push(mean(c));
    }
  }
  for (const s of all) s.stop();
  collector.stop();
  await jwks.close();
  const paired = pairedOverhead;
  const share = median(lat.on.map((v, i) => (v - (lat.off[i] ?? v)) / ((lat.off[i] ?? 0) - (lat.bare[i] ?? 0))));
  return {
    rounds,
    bareLatencyUs: Math.round(median(lat.bare)),
    offLatencyUs: Math.round(median(lat.off)),
    onLatencyUs: Math.round(median(lat.on)),
    latencyOverheadPct: pct(paired(lat.on, lat.off)),
    offP50Us: Math.round(median(p50.off)),
    onP50Us: Math.round(median(p50.on)),
    p50OverheadPct: pct(paired(p50.on, p50.off)),
    addedLatencySharePct: pct(share),
    offRps: Math.round(median(rps.off)),
    onRps: Math.round(median(rps.on)),
    throughputCostPct: pct(-paired(rps.on, rps.off)),
    offCpuUs: Math.round(median(cpu.off) * 10) / 10,
    onCpuUs: Math.round(median(cpu.on) * 10) / 10,
    cpuOverheadPct: pct(paired(cpu.on, cpu.off)),
    pinned: pin,
  };
}

if (process.argv[1]?.endsWith("telemetry-enforcer-http.ts")) {
  console.log(await benchEnforcerOverHttp());
  process.exit(0);
}
