import { describe, expect, it } from "vitest";
import { slicesOverhead } from "./telemetry-enforcer-slices";

/** Slice modes in the server's order: a b b a a b b a … */
const order = (n: number) => Array.from({ length: n }, (_, i) => ((i & 3) === 0 || (i & 3) === 3 ? "off" : "on"));

describe("slicesOverhead", () => {
  it("finds a mode's cost under a machine whose speed drifts and jumps between blocks", () => {
    const modes = order(400);
    // The machine: a slow drift plus a jump every 10 slices (a noisy neighbour), the same for both modes
    // within a slice's neighbourhood; "on" costs 5 % more than "off" on top of that.
    const speed = modes.map((_, i) => (1 + i / 400) * (Math.floor(i / 10) % 2 === 0 ? 1 : 1.6));
    const values = modes.map((m, i) => 30 * (speed[i] as number) * (m === "on" ? 1.05 : 1));
    const o = slicesOverhead(values, modes, "off");
    expect(o.pct).toBeCloseTo(5, 0);
    expect(o.low).toBeGreaterThan(3);
  });

  it("leaves out a block with a slice that measured nothing, so the median stays inside its interval", () => {
    const modes = order(400);
    // Latency per slice: "on" 2 % slower; every 25th slice saw no response (its median is NaN).
    const values = modes.map((m, i) =>
      i % 25 === 7 ? Number.NaN : 100 * (1 + (i % 7) / 100) * (m === "on" ? 1.02 : 1),
    );
    const o = slicesOverhead(values, modes, "off");
    expect(o.pct).toBeGreaterThanOrEqual(o.low);
    expect(o.pct).toBeLessThanOrEqual(o.high);
    expect(o.pct).toBeCloseTo(2, 0);
  });

  it("reads the pairs the right way round whichever mode comes first", () => {
    expect(slicesOverhead([10, 12, 12, 10], ["off", "on", "on", "off"], "off").pct).toBe(20);
    expect(slicesOverhead([12, 10, 10, 12], ["on", "off", "off", "on"], "off").pct).toBe(20);
    expect(slicesOverhead([10, 10, 10, 10], order(4), "off").pct).toBe(0);
  });
});
