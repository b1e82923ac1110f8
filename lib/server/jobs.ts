import "server-only";
import { log } from "./log";

type Job = { name: string; everyMs: number; run: () => Promise<void> };
const jobs: Job[] = [];
let started = false;

/** Register a periodic background job (retention pruning, rollups, alert evaluation). */
export function registerJob(job: Job): void {
  jobs.push(job);
  if (started) schedule(job);
}

function schedule(job: Job): void {
  const timer = setInterval(() => {
    job
      .run()
      .catch((err: unknown) =>
        log.error({ job: job.name, err: err instanceof Error ? err.message : String(err) }, "background job failed"),
      );
  }, job.everyMs);
  timer.unref();
}

export function startBackgroundJobs(): void {
  if (started) return;
  started = true;
  for (const job of jobs) schedule(job);
}
