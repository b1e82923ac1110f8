import { describe, expect, it } from "vitest";
import { ALL_REASON_CODES } from "@/lib/enforcer/errors";
import { reasonColor, reasonColorIndex } from "./reasons";

/** Issue 13 #12: one reason → colour map, the same in every chart and table, whatever the ranking. */
describe("reason colours", () => {
  it("gives every reason code one stable series colour", () => {
    for (const code of ALL_REASON_CODES) {
      expect(reasonColor(code)).toMatch(/^var\(--color-series-(10|[1-9])\)$/);
      expect(reasonColor(code)).toBe(reasonColor(code));
    }
  });

  it("keeps the ten common reasons apart", () => {
    const common = [
      "token_expired",
      "audience_mismatch",
      "insufficient_scope",
      "tool_not_allowed",
      "rate_limited",
      "unknown_kid",
      "issuer_mismatch",
      "signature_invalid",
      "token_missing",
      "jwks_unavailable",
    ];
    expect(new Set(common.map(reasonColorIndex)).size).toBe(10);
    expect(reasonColor("token_expired")).toBe("var(--color-series-1)");
  });
});
