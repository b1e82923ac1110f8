/**
 * The stand-in control plane for telemetry benchmarks: an HTTP server in its own process that drains
 * each request and answers 200 `{}`. In production the control plane is another machine, and its
 * request parsing must not be charged to the enforcer's event loop.
 */
import { spawn } from "node:child_process";

export async function startCollector(): Promise<{ url: string; stop(): void }> {
  const code = `const s = require("node:http").createServer((q, r) => { q.resume(); q.on("end", () => r.writeHead(200, { "content-type": "application/json" }).end("{}")); });
    s.listen(0, "127.0.0.1", () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once("data", (b: Buffer) => resolve(b.toString().trim()));
    child.once("exit", () => reject(new Error("collector exited")));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}
