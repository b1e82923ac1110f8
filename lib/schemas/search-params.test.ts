import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseSearchParams } from "./search-params";

const Filter = z.object({ range: z.enum(["1h", "24h"]).default("1h"), tool: z.string().max(5).optional() });

describe("parseSearchParams", () => {
  it("takes the first value of repeated keys and drops empty ones", () => {
    expect(parseSearchParams(Filter, { range: ["24h", "1h"], tool: "" })).toEqual({
      value: { range: "24h" },
      invalid: false,
    });
  });
  it("falls back to the defaults and says so when a filter is invalid", () => {
    expect(parseSearchParams(Filter, { range: "1y", tool: "x" })).toEqual({ value: { range: "1h" }, invalid: true });
  });
  it("ignores absent keys", () => {
    expect(parseSearchParams(Filter, { tool: undefined })).toEqual({ value: { range: "1h" }, invalid: false });
  });
});
