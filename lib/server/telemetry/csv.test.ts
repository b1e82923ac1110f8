import { randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { EventFilter } from "@/lib/schemas/telemetry";
import { csvLine } from "./csv";
import { exportEventsCsv } from "./events-query";
import { ingestBatch } from "./ingest";
import { createTestResource } from "./test-fixtures";

// Values an attacker controls (client ids, subjects, tool names come from tokens and clients).
const HOSTILE = [
  "x;=cmd|' /C calc'!A0;",
  " =1+1",
  '\u00a0=HYPERLINK("http://evil")',
  "\u00a0 \t@SUM(A1)",
  "\r-2+3",
  "\t+1",
  'a;b,c"d"\ne',
  "=1;=2",
  "plain",
];
const FORMULA = /^[=+\-@\t\r]/;

/** Every cell, parsed the way a spreadsheet in a `,` locale and in a `;` locale reads the file. */
function cellsAs(text: string, delimiter: "," | ";"): string[] {
  const rows = parse(text, { delimiter, relax_column_count: true, relax_quotes: true }) as string[][];
  return rows.flat();
}

describe("CSV export cells (RFC 4180 + formula injection)", () => {
  it("quotes every text cell, so a ; inside a value never splits it", () => {
    const line = csvLine(HOSTILE);
    for (const cell of line.trimEnd().split(/(?<="),(?=")/)) expect(cell).toMatch(/^".*"$/s);
    // Parsed with `,` the cells round-trip, defused.
    const parsed = parse(line, { delimiter: "," }) as string[][];
    expect(parsed[0]).toHaveLength(HOSTILE.length);
    expect(parsed[0]?.[0]).toBe("x;'=cmd|' /C calc'!A0;");
    expect(parsed[0]?.[1]).toBe("' =1+1");
    expect(parsed[0]?.[8]).toBe("plain");
  });

  for (const delimiter of [",", ";"] as const) {
    it(`no cell starts with a formula character when read with "${delimiter}"`, () => {
      for (const cell of cellsAs(csvLine(HOSTILE), delimiter)) {
        expect(cell.replace(/^[\s\u00a0]+/, "")).not.toMatch(FORMULA);
      }
    });
  }

  it("leaves numbers and plain words readable", () => {
    expect(csvLine(["plain", -1.5, 3, null, true])).toBe('"plain","-1.5","3","","true"\r\n');
  });

  it("the real export of a hostile event parses safely with , and ;", async () => {
    const { resourceId } = await createTestResource();
    await ingestBatch({
      resourceId,
      idempotencyKey: randomUUID(),
      instanceId: "web-1",
      events: [
        {
          type: "decision",
          at: Date.now() - 1000,
          outcome: "deny",
          reason: "token_expired",
          clientId: "x;=cmd|' /C calc'!A0;",
          subject: '\u00a0=HYPERLINK("http://evil")',
          tool: " @SUM(A1)",
          latencyMs: 1,
        },
      ],
    });
    const text = await new Response(exportEventsCsv(EventFilter.parse({ resource: resourceId }))).text();
    for (const delimiter of [",", ";"] as const) {
      const cells = cellsAs(text, delimiter);
      for (const cell of cells) expect(cell.replace(/^[\s\u00a0]+/, "")).not.toMatch(FORMULA);
    }
    const [, row] = parse(text, { delimiter: "," }) as string[][];
    expect(row).toHaveLength(14);
    expect(row?.[8]).toBe("x;'=cmd|' /C calc'!A0;");
    expect(row?.[9]).toBe('\'\u00a0=HYPERLINK("http://evil")');
  });
});
