import { describe, expect, it } from "vitest";
import { abbaDifference, abbaOverheadPct, bootstrapMedianInterval, median } from "./stats";

describe("bench statistics", () => {
  it("median takes the upper middle", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(median([], 7)).toBe(7);
  });

  it("ABBA blocks cancel an order effect that splits plain pairs into two groups", () => {
    // The true cost of "on" is 2%; whichever mode runs second pays 10% more (garbage of the first).
    const off: number[] = [];
    const on: number[] = [];
    for (let r = 0; r < 20; r++) {
      const offFirst = r % 2 === 0;
      off.push(100 * (offFirst ? 1 : 1.1));
      on.push(102 * (offFirst ? 1.1 : 1));
    }
    const plain = on.map((v, i) => v / (off[i] as number));
    expect(new Set(plain.map((x) => x.toFixed(3))).size).toBe(2); // +12.2% and −7.3%: the median picks one
    const abba = abbaOverheadPct(on, off);
    expect(abba.pct).toBe(2);
    expect(abba.low).toBe(2);
    expect(abba.high).toBe(2);
  });

  it("the bootstrap interval brackets the median, widens with spread and is reproducible", () => {
    const tight = [1.01, 1.02, 1.03, 1.02, 1.01, 1.03, 1.02, 1.02];
    const wide = [0.9, 1.2, 1.0, 1.15, 0.95, 1.1, 0.85, 1.05];
    const [tl, th] = bootstrapMedianInterval(tight);
    const [wl, wh] = bootstrapMedianInterval(wide);
    expect(tl).toBeLessThanOrEqual(median(tight));
    expect(th).toBeGreaterThanOrEqual(median(tight));
    expect(wh - wl).toBeGreaterThan(th - tl);
    expect(bootstrapMedianInterval(wide)).toEqual([wl, wh]);
  });

  it("abbaDifference: an added cost in ns, the second mode of a round paying for the first's garbage cancelled", () => {
    // Mode b costs 200 more; whichever mode runs second in a round pays 300 extra (an order effect).
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < 20; r++) {
      const aFirst = r % 2 === 0;
      a.push(1500 + (aFirst ? 0 : 300));
      b.push(1700 + (aFirst ? 300 : 0));
    }
    expect(abbaDifference(b, a)).toEqual({ ns: 200, low: 200, high: 200 });
  });
});
