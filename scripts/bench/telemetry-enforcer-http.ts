/**
 * The enforcer's added latency over HTTP, telemetry off vs on: two identical servers (the Node
 * adapter, see telemetry-enforcer-server.ts) in child processes, pinned to CPU 0 when `taskset`
 * exists, driven alternately by the raw-socket load generator from this process. One connection
 * gives the latency a client sees; eight connections saturate the server and give its CPU cost.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { startJwksServer } from "../../lib/enforcer/test-utils/jwks-server";
import { createTestKey, signJws } from "../../lib/enforcer/test-utils/keys";
import { TEST_AUDIENCE, TEST_ISSUER } from "../../lib/enforcer/test-utils/policy";
import { buildRequest, runLoad } from "./load-generator";
import { canPin } from "./server-process";

export interface HttpOverhead {
  rounds: number;
  offLatencyUs: number;
  onLatencyUs: number;
  latencyOverheadPct: number;
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

export async function benchEnforcerOverHttp(rounds = 6): Promise<HttpOverhead> {
  const pin = canPin();
  const key = createTestKey("RS256");
  const jwks = await startJwksServer([key.jwk]);
  const collectorCode = `const s = require("node:http").createServer((q, r) => { q.resume(); q.on("end", () => r.writeHead(200).end("{}")); });
    s.listen(0, "127.0.0.1", () => console.log("LISTENING " + s.address().port));`;
  const collector = await new Promise<Child>((resolve) => {
    const c = spawn(process.execPath, ["-e", collectorCode], { stdio: ["ignore", "pipe", "inherit"] });
    c.stdout.once("data", (b: Buffer) =>
      resolve({ port: Number(/\d+/.exec(b.toString())?.[0]), cpu: async () => 0, stop: () => c.kill() }),
    );
  });
  const env = { BENCH_JWKS_URI: jwks.url, BENCH_COLLECTOR_URL: `http://127.0.0.1:${collector.port}` };
  const servers = {
    off: await startChild(["scripts/bench/telemetry-enforcer-server.ts", "off"], env, pin),
    on: await startChild(["scripts/bench/telemetry-enforcer-server.ts", "on"], env, pin),
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
  for (const s of Object.values(servers)) await load(s.port, 4, 1500); // JWKS, caches, JIT
  const lat = { off: [] as number[], on: [] as number[] };
  const rps = { off: [] as number[], on: [] as number[] };
  const cpu = { off: [] as number[], on: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    for (const mode of r % 2 === 0 ? (["off", "on"] as const) : (["on", "off"] as const)) {
      const one = await load(servers[mode].port, 1, 2000);
      if (one.non2xx || one.socketErrors)
        throw new Error(`${mode}: ${one.non2xx} non-2xx, ${one.socketErrors} socket errors`);
      lat[mode].push(1_000_000 / one.rps); // closed loop, one connection: mean latency in µs
      const before = await servers[mode].cpu();
      const eight = await load(servers[mode].port, 8, 2000);
      rps[mode].push(eight.rps);
      // Warm-up requests are included on both sides of the CPU reading: count them too.
      cpu[mode].push(((await servers[mode].cpu()) - before) / (eight.rps * 2.3));
    }
  }
  for (const s of [servers.off, servers.on, collector]) s.stop();
  await jwks.close();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const paired = (on: number[], off: number[]) => median(on.map((v, i) => v / (off[i] ?? v))) - 1;
  const pct = (x: number) => Math.round(x * 1000) / 10;
  return {
    rounds,
    offLatencyUs: Math.round(median(lat.off)),
    onLatencyUs: Math.round(median(lat.on)),
    latencyOverheadPct: pct(paired(lat.on, lat.off)),
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
