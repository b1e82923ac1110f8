/**
 * The live demo's traffic counts what the enforcer decided: every request it sends to the MCP endpoint is one
 * decision, and the denials it counts per reason are the enforcer's (so the Overview can be checked for exact
 * equality). Against the sample server behind a real enforcer with the demo's allowlist and the Entra-shaped IdP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestIdp, type TestIdp } from "../../../e2e/idp/test-idp.js";
import {
  createEnforcer,
  createMemoryRateLimiter,
  createRecordingSink,
  EnforcerPolicy,
} from "../../../lib/enforcer/index.js";
import type { DemoServer } from "../mcp-server.js";
import { startSampleServer } from "./sample-server.js";
import { demoTools } from "./seed-data.js";
import { startTraffic } from "./traffic.js";

let idp: TestIdp;
let server: DemoServer;
const sink = createRecordingSink();

beforeAll(async () => {
  idp = await startTestIdp({ shape: "entra", accessTokenTtlSec: 300 });
  server = await startSampleServer(0, async (token) => `mailed with a token of ${token.length} characters`);
  const policy = EnforcerPolicy.parse({
    resource: { uri: server.url("/mcp"), name: "demo-crm" },
    idp: {
      kind: "entra",
      issuers: [idp.issuer],
      jwksUri: idp.jwksUri,
      audiences: [idp.audience],
      authorizationServers: [idp.issuer],
    },
    tools: demoTools().tools,
  });
  server.protect(createEnforcer({ policy, sink, rateLimiter: createMemoryRateLimiter() }));
});
afterAll(async () => {
  await server?.close();
  await idp?.close();
});

describe("demo:live traffic", () => {
  it("counts exactly the enforcer's decisions, allowed and denied per reason", async () => {
    const lines: string[] = [];
    const traffic = startTraffic({
      resourceUri: server.url("/mcp"),
      idp,
      audience: idp.audience,
      log: (l) => lines.push(l),
    });
    // The intruder runs in the fourth second: by then the SDK client, the analyst and the mailer have run too.
    await expect.poll(() => traffic.totals().byReason.insufficient_scope ?? 0, { timeout: 20_000 }).toBe(1);
    await traffic.stop();
    const sent = traffic.totals();
    const decisions = sink.ofType("decision");
    const denied: Record<string, number> = {};
    for (const d of decisions) if (d.outcome === "deny") denied[d.reason ?? "?"] = (denied[d.reason ?? "?"] ?? 0) + 1;

    expect(lines.filter((l) => !l.startsWith("traffic:"))).toEqual([]); // no agent failed unexpectedly
    expect(sent.requests).toBe(decisions.length);
    expect(sent.allowed).toBe(decisions.filter((d) => d.outcome === "allow").length);
    expect(sent.byReason).toEqual(denied);
    expect(sent.byReason).toMatchObject({ tool_not_allowed: 1, insufficient_scope: 1 });
    expect(sent.tools.query_database?.allowed).toBeGreaterThanOrEqual(1);
    expect(sent.tools.send_email).toEqual({ allowed: 1, denied: 0 });
  });
});
