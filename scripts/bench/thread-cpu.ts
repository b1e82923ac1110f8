/**
 * CPU time of the main thread alone (the event loop that serves requests), as opposed to
 * `process.cpuUsage()`, which also counts worker threads and the libuv pool. Linux: the scheduler's
 * own run time of the thread whose id is the process id (`/proc/self/task/<pid>/schedstat`, ns), brought up
 * to date first (see below), so it is exact to the microsecond, not to the scheduler tick.
 */
import { readFileSync } from "node:fs";

const path = `/proc/self/task/${process.pid}/schedstat`;

/** The main thread's CPU time so far, µs; `undefined` where the kernel does not say. @example mainThreadCpuUs() */
export function mainThreadCpuUs(): number | undefined {
  try {
    // The kernel brings a running thread's run time up to date only at a scheduler tick (every 4 ms at
    // HZ=250) or a context switch, so read alone the figure is up to a tick old. getrusage (process.cpuUsage)
    // brings the calling thread's up to date first (thread_group_cputime → task_sched_runtime).
    process.cpuUsage();
    return Number(readFileSync(path, "utf8").split(" ")[0]) / 1000;
  } catch {
    return undefined;
  }
}
