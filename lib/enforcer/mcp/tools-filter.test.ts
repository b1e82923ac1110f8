import { describe, expect, it } from "vitest";
import type { AuthContext, Enforcer } from "../types.js";
import {
  createSseToolsRewriter,
  describeNeededScopes,
  filterToolsListMessage,
  filterToolsListResponse,
  toolsListFilter,
} from "./tools-filter.js";

const tools = [
  { name: "read_file", description: "Reads a file — café ✓", inputSchema: { type: "object" } },
  { name: "delete_file", description: "Deletes", inputSchema: { type: "object" } },
  { name: "run_sql", inputSchema: { type: "object" } },
  { description: "no name: must not survive" },
];
const listResult = { jsonrpc: "2.0", id: 7, result: { tools, nextCursor: "c2" } };
const onlyRead = (names: string[]) => names.filter((n) => n === "read_file");
const expectedResult = { ...listResult, result: { tools: [tools[0]], nextCursor: "c2" } };

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
}

/** Splits `bytes` into chunks of `size` bytes (so events, lines, CRLFs and UTF-8 sequences split anywhere). */
function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

describe("filterToolsListResponse, application/json", () => {
  it("keeps only allowed tools, the other result fields, status and headers", async () => {
    const upstream = new Response(JSON.stringify(listResult), {
      status: 200,
      headers: { "content-type": "application/json; charset=utf-8", "content-length": "999", "mcp-session-id": "s1" },
    });
    const res = await filterToolsListResponse(upstream, onlyRead);
    expect(res.status).toBe(200);
    expect(res.headers.get("mcp-session-id")).toBe("s1");
    expect(res.headers.get("content-length")).toBeNull();
    expect(await res.json()).toEqual(expectedResult);
  });

  it("passes bodies without a tool list, non-JSON text and other content types through unchanged", async () => {
    const other = JSON.stringify({ jsonrpc: "2.0", id: 1, result: { content: [{ type: "text", text: '"tools"' }] } });
    const cases = [
      new Response(other, { headers: { "content-type": "application/json" } }),
      new Response('{"tools": not json', { headers: { "content-type": "application/json" } }),
      new Response(JSON.stringify(listResult), { headers: { "content-type": "text/plain" } }),
    ];
    const texts = [other, '{"tools": not json', JSON.stringify(listResult)];
    for (const [i, upstream] of cases.entries()) {
      expect(await (await filterToolsListResponse(upstream, onlyRead)).text()).toBe(texts[i]);
    }
  });

  it("fails closed on a compressed or oversized tool list", async () => {
    const gz = new Response("x", { headers: { "content-type": "application/json", "content-encoding": "gzip" } });
    expect((await filterToolsListResponse(gz, onlyRead)).status).toBe(502);
    const big = new Response(JSON.stringify(listResult), { headers: { "content-type": "application/json" } });
    const res = await filterToolsListResponse(big, onlyRead, { maxBytes: 100 });
    expect(res.status).toBe(502);
    expect(await res.text()).not.toContain("delete_file");
  });
});

describe("filterToolsListResponse, text/event-stream", () => {
  const priming = "id: e1\ndata: \n\n";
  const notification = `event: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", method: "notifications/progress", params: { tools: 1 } })}\n\n`;
  // The result split over two data lines (joined by a newline: JSON whitespace), CRLF line ends, a comment, an id.
  const json = JSON.stringify(listResult);
  const half = json.indexOf('{"tools"');
  const resultEvent = `: comment\r\nevent: message\r\nid: e2\r\ndata: ${json.slice(0, half)}\r\ndata:${json.slice(half)}\r\n\r\n`;
  const wire = new TextEncoder().encode(priming + notification + resultEvent);

  it.each([1, 2, 3, 7, 64, wire.length])("rewrites event by event with chunks of %i bytes", async (size) => {
    const upstream = new Response(streamOf(chunked(wire, size)), { headers: { "content-type": "text/event-stream" } });
    const text = await (await filterToolsListResponse(upstream, onlyRead)).text();
    expect(text.startsWith(priming + notification)).toBe(true); // untouched events: byte for byte
    const rewritten = text.slice((priming + notification).length);
    expect(rewritten).toBe(`: comment\nevent: message\nid: e2\ndata: ${JSON.stringify(expectedResult)}\n\n`);
  });

  it("streams: an event is delivered before the upstream stream ends", async () => {
    let push: (s: string) => void = () => {};
    const upstream = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (s) => controller.enqueue(new TextEncoder().encode(s));
      },
    });
    const res = await filterToolsListResponse(
      new Response(upstream, { headers: { "content-type": "text/event-stream" } }),
      onlyRead,
    );
    const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader();
    push(`data: ${JSON.stringify(listResult)}\n\n`);
    const first = await reader?.read();
    expect(JSON.parse(String(first?.value).slice(6))).toEqual(expectedResult);
    await reader?.cancel();
  });

  it("drops an unterminated trailing event that holds a tool list, and errors on an oversized event", () => {
    const rw = createSseToolsRewriter(onlyRead);
    expect(rw.push(`data: ${JSON.stringify(listResult)}`)).toBe("");
    expect(rw.flush()).toBe("");
    const passthrough = createSseToolsRewriter(onlyRead);
    passthrough.push("data: partial");
    expect(passthrough.flush()).toBe("data: partial");
    const small = createSseToolsRewriter(onlyRead, 32);
    expect(() => small.push(`data: ${"x".repeat(40)}`)).toThrow(/exceeds 32 bytes/);
  });
});

describe("toolsListFilter", () => {
  const enforcer = { allowedTools: (_auth: AuthContext, names: string[]) => onlyRead(names) } as unknown as Enforcer;
  const token = { claims: {}, subject: "u1", clientId: "c1", scopes: [], roles: [], expiresAt: 0 };
  const jsonResponse = () =>
    new Response(JSON.stringify(listResult), { headers: { "content-type": "application/json" } });

  it("filters tools/list responses only", async () => {
    const listed = await toolsListFilter(jsonResponse(), { token, method: "tools/list" }, enforcer);
    expect(await listed.json()).toEqual(expectedResult);
    const called = await toolsListFilter(jsonResponse(), { token, method: "tools/call", tool: "x" }, enforcer);
    expect(await called.json()).toEqual(listResult);
  });

  // Issue 10 #4: a GET with Last-Event-ID (SSE resumption) replays a stored tools/list answer; no method is known.
  it("filters a tool list in any SSE response, whatever the request method", async () => {
    const sse = () =>
      new Response(`id: s1_2\ndata: ${JSON.stringify(listResult)}\n\n`, {
        headers: { "content-type": "text/event-stream" },
      });
    for (const auth of [{ token }, { token, method: "tools/call", tool: "x" }]) {
      const text = await (await toolsListFilter(sse(), auth, enforcer)).text();
      expect(text).toContain("id: s1_2");
      expect(JSON.parse(text.split("data: ")[1] ?? "")).toEqual(expectedResult);
    }
  });
});

describe("scopes a shown tool still needs (issue 20 #4)", () => {
  it("appends them to the description of those tools only, and makes a description for a tool without one", () => {
    const visible = (names: string[]) => ({
      names: names.filter((n) => n !== "read_file"),
      needs: { delete_file: ["mcp:tools:admin"], run_sql: ["db:read", "db:write"], read_file: ["never:shown"] },
    });
    const { changed, message } = filterToolsListMessage(listResult, visible);
    expect(changed).toBe(true);
    expect((message as typeof listResult).result.tools).toEqual([
      { name: "delete_file", description: "Deletes (requires scope mcp:tools:admin)", inputSchema: { type: "object" } },
      { name: "run_sql", description: "(requires scopes db:read db:write)", inputSchema: { type: "object" } },
    ]);
    expect(describeNeededScopes("  ", ["a"])).toBe("(requires scope a)");
  });

  it("leaves the message untouched when every tool is shown and none needs a scope", () => {
    const all = (names: string[]) => ({ names, needs: {} });
    const named = { ...listResult, result: { tools: tools.slice(0, 3) } };
    expect(filterToolsListMessage(named, all)).toEqual({ changed: false, message: named });
  });
});
