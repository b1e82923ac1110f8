/**
 * CPU time of the main thread alone (the event loop that serves requests), as opposed to
 * `process.cpuUsage()`, which also counts worker threads and the libuv pool. Linux: the scheduler's
 * own run time of the thread whose id is the process id (`/proc/self/task/<pid>/schedstat`, ns).
 */
import { readFileSync } from "node:fs";

const path = `/proc/self/task/${process.pid}/schedstat`;

/** The main thread's CPU time so far, µs; `undefined` where the kernel does not say. @example mainThreadCpuUs() */
export function mainThreadCpuUs(): number | undefined {
  try {
    return Number(readFileSync(path, "utf8").split(" ")[0]) / 1000;
  } catch {
    return undefined;
  }
}
