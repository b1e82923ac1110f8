import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { tapNodeResults } from "./node-result-tap.js";

/** Serves one response written by `write`, tapped; returns what the tap saw and what the client received. */
async function tapped(write: (res: ServerResponse) => void): Promise<{ seen: unknown[]; received: unknown }> {
  const seen: unknown[] = [];
  const server = createServer((_req, res) => {
    tapNodeResults(res, (m) => seen.push(m));
    res.setHeader("content-type", "application/json");
    write(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return { seen, received: JSON.parse(await res.text()) };
  } finally {
    server.close();
  }
}

const result = (taskId: string) => JSON.stringify({ jsonrpc: "2.0", id: 1, result: { task: { taskId } } });

describe("tapNodeResults", () => {
  it.each([
    ["one UTF-8 string", (res: ServerResponse) => res.end(result("t-\u00e9\u2713"))],
    ["a string and an explicit utf8 encoding", (res: ServerResponse) => res.end(result("t-utf8"), "utf8")],
    ["a latin1-encoded string", (res: ServerResponse) => res.end(result("t-caf\u00e9"), "latin1")],
    [
      "a multi-byte character split across two Buffer chunks",
      (res: ServerResponse) => {
        const bytes = Buffer.from(result("t-\u2713"));
        const cut = bytes.indexOf(0xe2) + 1;
        res.write(bytes.subarray(0, cut));
        res.end(bytes.subarray(cut));
      },
    ],
    [
      "a raw lone surrogate (Node sends U+FFFD)",
      // Not through JSON.stringify, which would escape it as \ud800 (plain ASCII).
      (res: ServerResponse) => res.end('{"jsonrpc":"2.0","id":1,"result":{"task":{"taskId":"t-\ud800"}}}'),
    ],
  ])("sees exactly what the client receives: %s", async (_, write) => {
    const { seen, received } = await tapped(write);
    expect(seen).toEqual([received]);
  });
});
