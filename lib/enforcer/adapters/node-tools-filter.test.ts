import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { filterNodeToolsList } from "./node-tools-filter.js";

const LIST = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  result: { tools: [{ name: "search" }, { name: "delete_file" }] },
});
const onlySearch = (names: string[]) => names.filter((n) => n === "search");

/** One response written by `write` through the filter; returns the body the client received. */
async function through(write: (res: ServerResponse) => void, sseOnly = false): Promise<string> {
  const server = createServer((_req, res) => {
    filterNodeToolsList(res, onlySearch, undefined, sseOnly);
    write(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return await res.text();
  } finally {
    server.close();
  }
}

const names = (body: string) => (JSON.parse(body).result.tools as { name: string }[]).map((t) => t.name);

describe("filterNodeToolsList: the Content-Type is read however writeHead is given it", () => {
  it.each([
    ["a lower-case object", (res: ServerResponse) => res.writeHead(200, { "content-type": "application/json" })],
    ["a mixed-case object", (res: ServerResponse) => res.writeHead(200, { "Content-Type": "application/json" })],
    ["a flat array", (res: ServerResponse) => res.writeHead(200, ["Content-Type", "application/json; charset=utf-8"])],
    [
      "a status message and an object",
      (res: ServerResponse) => res.writeHead(200, "OK", { "content-type": "application/json" }),
    ],
    ["setHeader before", (res: ServerResponse) => res.setHeader("content-type", "application/vnd.x+json")],
  ])("filters a JSON tools/list: %s", async (_, head) => {
    const body = await through((res) => {
      head(res);
      res.end(LIST);
    });
    expect(names(body)).toEqual(["search"]);
  });

  it("filters an SSE tools/list with a charset parameter, and lets JSON pass untouched when only SSE is filtered", async () => {
    const sse = await through((res) => {
      res.writeHead(200, ["Content-Type", "text/event-stream; charset=utf-8"]);
      res.end(`event: message\ndata: ${LIST}\n\n`);
    }, true);
    expect(names(sse.split("data: ")[1] ?? "")).toEqual(["search"]);
    const json = await through((res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(LIST);
    }, true);
    expect(json).toBe(LIST);
  });

  it("passes other bodies as they are", async () => {
    const text = await through((res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(LIST);
    });
    expect(text).toBe(LIST);
  });
});
