import { describe, expect, it } from "vitest";
import { growthInterval, percentile } from "./config-report";

describe("growthInterval", () => {
  it("is exactly the ratio when every publish is alike and the larger fleet's latencies are three times as long", () => {
    const small = Array.from({ length: 10 }, () => Array.from({ length: 20 }, (_, i) => 20 + i));
    const large = small.map((publish) => publish.map((ms) => ms * 3));
    expect(growthInterval(small, large)).toEqual([3, 3]);
  });

  it("brackets the point estimate, and widens when one publish is slow", () => {
    const steady = Array.from({ length: 10 }, () => Array.from({ length: 20 }, (_, i) => 30 + i));
    const bursty = steady.map((publish, p) => publish.map((ms) => (p === 0 ? ms * 3 : ms)));
    const point =
      percentile(
        bursty.flat().sort((a, b) => a - b),
        95,
      ) /
      percentile(
        steady.flat().sort((a, b) => a - b),
        95,
      );
    const [low, high] = growthInterval(steady, bursty);
    expect(low).toBeLessThanOrEqual(point);
    expect(high).toBeGreaterThanOrEqual(point);
    expect(low).toBe(1); // resamples without the slow publish
    expect(high).toBeGreaterThan(2); // resamples with it more than once
  });

  it("gives NaN without publishes, so the report prints no interval", () => {
    expect(growthInterval([], [[1]])).toEqual([Number.NaN, Number.NaN]);
  });
});
