import { describe, expect, it } from "vitest";
import { CLIENT_INFO_META, createClientInfoBounds, MAX_CLIENTS_PER_RESOURCE } from "./client-info.js";
import { parseJsonRpc } from "./jsonrpc.js";

/** A 2026-07-28 request carrying `clientInfo` in `_meta`, parsed afresh (new strings, as every request has). */
const request = (clientInfo: unknown) =>
  parseJsonRpc(
    JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "read_file", _meta: { [CLIENT_INFO_META]: clientInfo } },
    }),
  );
const R = "https://mcp.example.com/mcp";

describe("createClientInfoBounds: the recent pairs", () => {
  it("gives a repeating client the same frozen answer without cleaning its strings again", () => {
    const bounds = createClientInfoBounds();
    const first = bounds.read(R, request({ name: "Claude Desktop", version: "2.4.1" }));
    const again = bounds.read(R, request({ name: "Claude Desktop", version: "2.4.1" }));
    expect(first).toEqual({ name: "Claude Desktop", version: "2.4.1" });
    expect(again).toBe(first); // remembered: the same object, not a second cleaning
    expect(Object.isFrozen(first)).toBe(true);
    // Another resource, or another version, is its own pair.
    expect(
      bounds.read("https://other.example.com/mcp", request({ name: "Claude Desktop", version: "2.4.1" })),
    ).not.toBe(first);
    expect(bounds.read(R, request({ name: "Claude Desktop", version: "2.4.2" }))).toEqual({
      name: "Claude Desktop",
      version: "2.4.2",
    });
    expect(bounds.read(R, request({ name: "Claude Desktop" }))).toEqual({ name: "Claude Desktop" });
  });

  it("answers a remembered raw pair exactly as the cleaning does (control characters, length, non-strings)", () => {
    const bounds = createClientInfoBounds();
    const fresh = createClientInfoBounds();
    const cases: unknown[] = [
      { name: `x\u0000${"a".repeat(500)}`, version: "1\u2028" },
      { name: "  ", version: "1" },
      { name: "bot", version: 42 },
      { name: 7 },
      "not an object",
      { name: "ok", version: "v".repeat(100) },
    ];
    for (const info of cases) {
      const expected = fresh.read(R, request(info));
      for (let i = 0; i < 3; i++) expect(bounds.read(R, request(info))).toEqual(expected);
      fresh.read(R, request({ name: "spacer" })); // keep both bounds' pair counts equal
      bounds.read(R, request({ name: "spacer" }));
    }
  });

  it("never holds on to a huge raw name or version: those are cleaned again on every request", () => {
    const bounds = createClientInfoBounds();
    const huge = { name: `agent${"x".repeat(10_000)}`, version: "1" };
    const first = bounds.read(R, request(huge));
    const again = bounds.read(R, request(huge));
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
    expect(first?.name).toHaveLength(64);
    const longVersion = { name: "agent", version: "9".repeat(300) };
    expect(bounds.read(R, request(longVersion))).not.toBe(bounds.read(R, request(longVersion)));
  });

  it("keeps the cardinality bound when remembered clients come back between new ones", () => {
    const bounds = createClientInfoBounds();
    const names = new Set<string>();
    for (let i = 0; i < MAX_CLIENTS_PER_RESOURCE + 20; i++) {
      names.add(bounds.read(R, request({ name: `bot-${i}`, version: "1" }))?.name ?? "");
      names.add(bounds.read(R, request({ name: "bot-0", version: "1" }))?.name ?? "");
    }
    expect(names.has("(other)")).toBe(true);
    expect(names.size).toBe(MAX_CLIENTS_PER_RESOURCE + 1);
    // A pair refused for the cap stays refused, remembered or not.
    expect(bounds.read(R, request({ name: `bot-${MAX_CLIENTS_PER_RESOURCE + 5}`, version: "1" }))).toEqual({
      name: "(other)",
    });
    expect(bounds.read(R, request({ name: "bot-1", version: "1" }))).toEqual({ name: "bot-1", version: "1" });
  });

  it("starts over cleanly when the per-resource table does (the remembered pairs go with it)", () => {
    const bounds = createClientInfoBounds();
    const first = bounds.read(R, request({ name: "agent", version: "1" }));
    // 64 resources fill the table; the next one clears it (and the remembered pairs with it).
    for (let i = 0; i < 70; i++) bounds.read(`https://r${i}.example.com/mcp`, request({ name: "agent", version: "1" }));
    const after = bounds.read(R, request({ name: "agent", version: "1" }));
    expect(after).toEqual(first);
    expect(after).not.toBe(first);
  });
});
