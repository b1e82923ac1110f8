import { describe, expect, it } from "vitest";
import { AlertListQuery } from "./alerts";
import { AuditFilterInput } from "./audit";
import { EventFilter } from "./telemetry";

/** Issue 23 §4: dates a database cannot store are a 422 naming the field, never a Prisma 500. */
describe("bounded dates and cursors", () => {
  it.each(["-271821-04-20T00:00:00Z", "+275760-09-13T00:00:00Z", "1969-12-31T23:59:59Z", "9999-12-31T00:00"])(
    "events from=%s is refused on the field",
    (from) => {
      const r = EventFilter.safeParse({ from });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(["from"]);
      expect(r.error?.issues[0]?.message).toBe("Enter a date between 2000-01-01 and 2199-12-31.");
    },
  );

  it("accepts an ordinary range and a cursor within 32 bits", () => {
    expect(EventFilter.parse({ from: "2026-01-01T00:00", to: "2026-01-02T00:00:00Z", cursor: "42" })).toMatchObject({
      from: new Date("2026-01-01T00:00:00Z"),
      cursor: 42,
    });
    expect(EventFilter.safeParse({ cursor: "2147483648" }).success).toBe(false);
  });

  it("audit filters: dates and the keyset cursor are bounded", () => {
    expect(AuditFilterInput.safeParse({ from: "0000-01-01" }).success).toBe(false);
    expect(AuditFilterInput.safeParse({ to: "2026-12-06" }).success).toBe(true);
    expect(AuditFilterInput.safeParse({ before: "99999999999" }).success).toBe(false);
  });

  it("alert list filters: a year 0 timestamp is refused on the field", () => {
    const r = AlertListQuery.safeParse({ from: "0000-01-01T00:00:00Z" });
    expect(r.error?.issues[0]?.path).toEqual(["from"]);
    expect(AlertListQuery.safeParse({ to: "2026-12-06T10:00:00Z" }).success).toBe(true);
  });
});
