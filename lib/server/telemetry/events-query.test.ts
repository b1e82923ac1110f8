import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EventFilter } from "@/lib/schemas/telemetry";
import { csvCell, csvLine } from "./csv";
import { EVENTS_PAGE_SIZE, exportEventsCsv, listEvents } from "./events-query";
import { ingestBatch } from "./ingest";
import { createTestResource } from "./test-fixtures";

const now = () => Date.now();

async function seed() {
  const { resourceId } = await createTestResource();
  const subject = `user-${randomUUID().slice(0, 6)}`;
  const events = [
    ...Array.from({ length: 120 }, (_, i) => ({
      type: "decision" as const,
      at: now() - 60_000 + i,
      outcome: "allow" as const,
      clientId: "agent-1",
      subject,
      method: "tools/call",
      tool: "read_file",
      latencyMs: 1,
    })),
    {
      type: "decision" as const,
      at: now() - 30_000,
      outcome: "deny" as const,
      reason: "audience_mismatch",
      clientId: "agent-2",
      subject,
      latencyMs: 2,
    },
    {
      type: "decision" as const,
      at: now() - 20_000,
      outcome: "deny" as const,
      reason: "token_expired",
      clientId: '=HYPERLINK("http://evil")',
      subject: 'a,"b"',
      latencyMs: 2,
    },
  ];
  await ingestBatch({ resourceId, idempotencyKey: randomUUID(), instanceId: "web-1", events });
  return { resourceId, subject };
}

describe("events explorer", () => {
  it("pages newest first by id with a cursor, and filters by exact values", async () => {
    const { resourceId, subject } = await seed();
    const first = await listEvents(EventFilter.parse({ resource: resourceId }));
    expect(first.events).toHaveLength(EVENTS_PAGE_SIZE);
    expect(first.events[0]?.reason).toBe("token_expired");
    const ids = first.events.map((e) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const second = await listEvents(EventFilter.parse({ resource: resourceId, cursor: String(first.nextCursor) }));
    expect(second.events[0]?.id).toBeLessThan(ids.at(-1) ?? 0);
    const third = await listEvents(EventFilter.parse({ resource: resourceId, cursor: String(second.nextCursor) }));
    expect(first.events.length + second.events.length + third.events.length).toBe(122);
    expect(third.nextCursor).toBeNull();

    const one = await listEvents(
      EventFilter.parse({ resource: resourceId, outcome: "deny", reason: "audience_mismatch" }),
    );
    expect(one.events).toHaveLength(1);
    expect(one.events[0]).toMatchObject({ clientId: "agent-2", subject, instanceId: "web-1", type: "decision" });
    expect(one.events[0]?.resourceName).toMatch(/^res-/);
    expect(
      (await listEvents(EventFilter.parse({ resource: resourceId, subject, tool: "read_file" }))).events,
    ).toHaveLength(50);
    expect(
      (await listEvents(EventFilter.parse({ resource: resourceId, range: "15m", from: "2020-01-01T00:00" }))).events,
    ).toHaveLength(50);
    expect((await listEvents(EventFilter.parse({ resource: resourceId, to: "2020-01-01T00:00" }))).events).toHaveLength(
      0,
    );
  });

  it("exports the filtered set as CSV, escaped and defused", async () => {
    const { resourceId } = await seed();
    const stream = exportEventsCsv(EventFilter.parse({ resource: resourceId, outcome: "deny" }));
    const text = await new Response(stream).text();
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      '"id","at","resource","resource_id","instance","type","outcome","reason","client_id","subject","tool","method","latency_ms","data"',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(',"token_expired","\'=HYPERLINK(""http://evil"")","a,""b""",');
    expect(lines[2]).toContain(',"audience_mismatch","agent-2",');
    const all = await new Response(exportEventsCsv(EventFilter.parse({ resource: resourceId }), new Date(), 70)).text();
    expect(all.trimEnd().split("\r\n")).toHaveLength(71); // header + the cap
  });

  it("csv cells: quoting and formula injection", () => {
    expect(csvCell("plain")).toBe('"plain"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("a\nb")).toBe('"a\nb"');
    for (const f of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
      expect(csvCell(f).replace(/^"/, "").startsWith("'")).toBe(true);
    expect(csvCell(-1.5)).toBe('"-1.5"');
    expect(csvCell(null)).toBe('""');
    expect(csvLine(["a", 1, null])).toBe('"a","1",""\r\n');
  });
});
