import { describe, expect, it } from "vitest";
import { clientAddress, contextFromHeaders } from "./request-context";

const h = (init: Record<string, string>) => new Headers(init);

describe("client address (issue 10 §2)", () => {
  it("without a trusted proxy: the socket's peer, whatever X-Forwarded-For says", () => {
    const headers = h({
      "x-portcullis-peer": "::ffff:203.0.113.9",
      "x-forwarded-for": "1.2.3.4, 5.6.7.8",
      "x-real-ip": "9.9.9.9",
    });
    expect(clientAddress(headers, false)).toBe("203.0.113.9");
    expect(clientAddress(h({ "x-forwarded-for": "1.2.3.4" }), false)).toBeNull();
  });

  it("with a trusted proxy: exactly the hop the proxy appended (the last one)", () => {
    const headers = h({ "x-portcullis-peer": "10.0.0.2", "x-forwarded-for": "6.6.6.6, 198.51.100.7" });
    expect(clientAddress(headers, true)).toBe("198.51.100.7");
    expect(clientAddress(h({ "x-portcullis-peer": "10.0.0.2" }), true)).toBe("10.0.0.2");
    expect(clientAddress(h({ "x-portcullis-peer": "10.0.0.2", "x-forwarded-for": "1.1.1.1, junk" }), true)).toBe(
      "10.0.0.2",
    );
    expect(clientAddress(h({ "x-forwarded-for": "2001:db8::1" }), true)).toBe("2001:db8::1");
  });

  it("the request id is the server's; the client's id is kept apart", () => {
    const ctx = contextFromHeaders(h({ "x-request-id": "srv-1", "x-client-request-id": "mine" }));
    expect(ctx).toMatchObject({ requestId: "srv-1", clientRequestId: "mine" });
  });
});
