/**
 * Issue 13 #7: a bundle of an archived resource makes the enforcer refuse every request with 403
 * `resource_archived`, whatever the token, the method or the tool; telemetry records the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnforcer } from "./enforcer.js";
import { createRecordingSink } from "./telemetry/sink.js";
import { type JwksServer, startJwksServer } from "./test-utils/jwks-server.js";
import { createTestKey, createToken } from "./test-utils/keys.js";
import { TEST_AUDIENCE, TEST_ISSUER, TEST_RESOURCE, testPolicy } from "./test-utils/policy.js";

const NOW_SEC = 1_700_000_000;
const key = createTestKey("RS256", "k1");
let jwks: JwksServer;
beforeAll(async () => {
  jwks = await startJwksServer([key.jwk]);
});
afterAll(() => jwks.close());

const call = (token: string | null, method = "tools/call") =>
  new Request(TEST_RESOURCE, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ jsonrpc: "2.0", id: 7, method, params: { name: "read_file", arguments: {} } }),
  });
const ok = async () => Response.json({ jsonrpc: "2.0", id: 7, result: {} });

describe("an archived resource", () => {
  it("refuses every request with 403 resource_archived, and serves again once restored", async () => {
    let archived = true;
    const sink = createRecordingSink();
    const enforcer = createEnforcer({
      policy: () => testPolicy(jwks.url, { archived }),
      sink,
      now: () => NOW_SEC * 1000,
    });
    const token = createToken(key, { iss: TEST_ISSUER, aud: TEST_AUDIENCE, nowSec: NOW_SEC, scope: "mcp:tools" });
    for (const [t, method] of [
      [token, "tools/call"],
      [token, "tools/list"],
      [null, "initialize"],
      ["not-a-jwt", "tools/call"],
    ] as const) {
      const res = await enforcer.handle(call(t, method), ok);
      expect(res.status).toBe(403);
      expect((await res.json()).error.data.reason).toBe("resource_archived");
    }
    expect(sink.ofType("decision").every((d) => d.reason === "resource_archived")).toBe(true);
    archived = false;
    expect((await enforcer.handle(call(token), ok)).status).toBe(200);
  });
});
