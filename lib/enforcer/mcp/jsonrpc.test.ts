import { describe, expect, it } from "vitest";
import { EnforcerError, ReasonCode } from "../errors.js";
import { parseJsonRpc, readBodyLimited } from "./jsonrpc.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof EnforcerError) return err.code;
    throw err;
  }
}

describe("parseJsonRpc", () => {
  it("classifies requests, notifications and responses", () => {
    expect(parseJsonRpc('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_file"}}')).toMatchObject({
      kind: "request",
      method: "tools/call",
      id: 1,
      toolName: "read_file",
    });
    expect(parseJsonRpc('{"jsonrpc":"2.0","method":"notifications/initialized"}')).toMatchObject({
      kind: "notification",
      id: undefined,
    });
    expect(parseJsonRpc('{"jsonrpc":"2.0","id":"s1","result":{}}')).toMatchObject({
      kind: "response",
      method: undefined,
    });
  });

  it.each([
    ["a batch", '[{"jsonrpc":"2.0","id":1,"method":"ping"}]'],
    ["an empty batch", "[]"],
    ["not JSON", "{"],
    ["empty body", ""],
    ["a string", '"ping"'],
    ["null", "null"],
    ["wrong version", '{"jsonrpc":"1.0","id":1,"method":"ping"}'],
    ["numeric method", '{"jsonrpc":"2.0","id":1,"method":7}'],
    ["object id", '{"jsonrpc":"2.0","id":{},"method":"ping"}'],
    ["scalar params", '{"jsonrpc":"2.0","id":1,"method":"ping","params":3}'],
    ["tools/call without name", '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}'],
    ["tools/call with numeric name", '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":1}}'],
    ["response without result", '{"jsonrpc":"2.0","id":1}'],
  ])("refuses %s as request_malformed", (_, body) => {
    expect(codeOf(() => parseJsonRpc(body))).toBe(ReasonCode.RequestMalformed);
  });
});

describe("readBodyLimited", () => {
  it("reads a body within the limit", async () => {
    const req = new Request("http://x/", { method: "POST", body: "hello" });
    expect(await readBodyLimited(req, 5)).toBe("hello");
  });

  it("refuses by declared length without reading", async () => {
    const req = new Request("http://x/", { method: "POST", body: "x", headers: { "content-length": "999999" } });
    await expect(readBodyLimited(req, 10)).rejects.toMatchObject({ code: ReasonCode.BodyTooLarge });
  });

  it("turns an aborted upload into request_malformed", async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error("socket hang up"));
      },
    });
    const req = new Request("http://x/", { method: "POST", body: stream, duplex: "half" } as RequestInit);
    await expect(readBodyLimited(req, 4096)).rejects.toMatchObject({ code: ReasonCode.RequestMalformed, status: 400 });
  });

  it("refuses a streamed body as soon as it passes the limit", async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
        if (pulled > 1000) controller.close();
      },
    });
    const req = new Request("http://x/", { method: "POST", body: stream, duplex: "half" } as RequestInit);
    await expect(readBodyLimited(req, 4096)).rejects.toMatchObject({ code: ReasonCode.BodyTooLarge, status: 413 });
    expect(pulled).toBeLessThan(10);
  });
});
