import "server-only";
import { AppError } from "../errors";

/**
 * A bounded in-process admission gate for ingest: at most `maxActive` batches are processed at once
 * and `maxWaiting` wait for a slot; anything beyond is refused at once with 429 and `Retry-After`
 * (the enforcer keeps the batch and retries with backoff), so a burst cannot pile up unbounded
 * memory or database connections. A waiter that does not get a slot within `maxWaitMs` is refused too.
 */
export interface Gate {
  acquire(): Promise<() => void>;
  readonly active: number;
  readonly waiting: number;
}

export function createGate(opts: {
  maxActive: number;
  maxWaiting: number;
  maxWaitMs: number;
  retryAfterSec: number;
}): Gate {
  let active = 0;
  const queue: { grant: () => void; timer: ReturnType<typeof setTimeout> }[] = [];

  const overloaded = () =>
    new AppError("rate_limited", "Telemetry ingest is busy; retry later.", { retryAfterSec: opts.retryAfterSec });

  function release(): void {
    const next = queue.shift();
    if (next) {
      clearTimeout(next.timer);
      next.grant(); // the slot passes straight to the next waiter
    } else {
      active--;
    }
  }

  function releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
    };
  }

  return {
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    acquire() {
      if (active < opts.maxActive) {
        active++;
        return Promise.resolve(releaser());
      }
      if (queue.length >= opts.maxWaiting) return Promise.reject(overloaded());
      return new Promise((resolve, reject) => {
        const entry = {
          grant: () => resolve(releaser()),
          timer: setTimeout(() => {
            const i = queue.indexOf(entry);
            if (i >= 0) queue.splice(i, 1);
            reject(overloaded());
          }, opts.maxWaitMs),
        };
        queue.push(entry);
      });
    },
  };
}
