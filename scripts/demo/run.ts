/**
 * One demo run: the Entra-shaped loopback IdP, the MCP server behind the enforcer, the traffic, and a
 * summary of the telemetry the enforcer emitted. Standalone by default (policy built in code); managed
 * by a control plane when settings are given.
 */
import { type IdpShape, startTestIdp } from "../../e2e/idp/test-idp.js";
import {
  createEnforcer,
  createRecordingSink,
  EnforcerPolicy,
  fanOutSink,
  nodeClientAddress,
  type TelemetrySink,
} from "../../lib/enforcer/index.js";
import { type ControlPlaneSettings, connectControlPlane } from "./control-plane.js";
import { startDemoServer } from "./mcp-server.js";
import { SERVER_V2_TOOLS, startDemoServerV2 } from "./mcp-server-v2.js";
import { oboScenario } from "./obo-scenario.js";
import { type Outcome, runScenarios } from "./scenarios.js";

export interface DemoResult {
  mode: "standalone" | "control plane";
  resourceUri: string;
  issuer: string;
  audience: string;
  allowedTools: string[];
  outcomes: Outcome[];
  decisions: { allow: number; deny: number; byReason: Record<string, number> };
}

export interface RunDemoOptions {
  controlPlane?: ControlPlaneSettings;
  /** Port of the test IdP in control-plane mode (the published policy must name its issuer). Default 4400. */
  idpPort?: number;
  log?: (line: string) => void;
  /**
   * The sample server's SDK: 2 (default) is `@modelcontextprotocol/server` 2.4, serving MCP 2026-07-28 and, to the
   * demo's SDK 1.32 client, 2025-11-25; 1 is the `@modelcontextprotocol/sdk` 1.32 server.
   */
  serverSdk?: 1 | 2;
}

const SHAPES: Record<string, IdpShape> = { entra: "entra", okta: "okta", auth0: "auth0", oidc: "oidc" };

export async function runDemo(opts: RunDemoOptions = {}): Promise<DemoResult> {
  const log = opts.log ?? (() => undefined);
  const recording = createRecordingSink();
  const cleanups: (() => Promise<void>)[] = [];
  try {
    let policy: (() => EnforcerPolicy | undefined) | undefined;
    let sink: TelemetrySink = recording;
    let current: EnforcerPolicy | undefined;
    let idpShape: IdpShape = "entra";
    let idpPort = 0;
    let serverPort = 0;

    if (opts.controlPlane) {
      const link = await connectControlPlane(opts.controlPlane, log);
      cleanups.push(link.close);
      policy = link.policy;
      sink = fanOutSink(recording, link.telemetry);
      current = link.policy();
      idpShape = SHAPES[current?.idp.kind ?? "entra"] ?? "entra";
      idpPort = opts.idpPort ?? 4400;
      serverPort = Number(new URL(current?.resource.uri ?? "http://127.0.0.1:0").port) || 0;
    }

    const idp = await startTestIdp({ shape: idpShape, port: idpPort });
    cleanups.push(() => idp.close());
    const sdk2 = (opts.serverSdk ?? 2) === 2;
    const server = sdk2 ? await startDemoServerV2(serverPort) : await startDemoServer(serverPort);
    cleanups.push(() => server.close());

    if (!opts.controlPlane) {
      current = EnforcerPolicy.parse({
        resource: { uri: server.url("/mcp"), name: "files" },
        idp: {
          kind: "entra",
          issuers: [idp.issuer],
          jwksUri: idp.jwksUri,
          // Entra v2 tokens carry the API's id as `aud`; the test IdP's is api://portcullis-test.
          audiences: [idp.audience],
          authorizationServers: [idp.issuer],
        },
        // The allowlist: delete_file exists on the server but is not listed, so it is refused (fail closed).
        tools: [{ name: "read_file" }, { name: "search" }],
      });
    } else if (current && !current.idp.issuers.includes(idp.issuer)) {
      log(`warning: the published policy trusts ${current.idp.issuers.join(", ")}, not the demo IdP ${idp.issuer}`);
    }
    if (!current) throw new Error("no policy");

    // Standalone: a fixed policy object. Managed: a getter, so a newly published bundle applies at once.
    const enforcer = createEnforcer({ policy: policy ?? current, sink, clientAddress: nodeClientAddress });
    server.protect(enforcer);
    // The server listens on loopback; in managed mode at the path (and port) of the published resource URI.
    const resourceUri = server.url(new URL(current.resource.uri).pathname);
    const audience = current.idp.audiences[0] ?? idp.audience;
    const outcomes = await runScenarios({
      resourceUri,
      issuer: idp.issuer,
      mint: (o = {}) => idp.mintAccessToken({ audience, ...o }),
      serverTools: sdk2 ? SERVER_V2_TOOLS : undefined,
    });
    const livePolicy = current;
    outcomes.push(
      await oboScenario({
        idp,
        policy: policy ?? (() => livePolicy),
        sink,
        userToken: await idp.mintAccessToken({ audience, sub: "alice", scopes: ["mcp:tools"] }),
      }),
    );

    const decisions = { allow: 0, deny: 0, byReason: {} as Record<string, number> };
    for (const d of recording.ofType("decision")) {
      decisions[d.outcome]++;
      if (d.reason) decisions.byReason[d.reason] = (decisions.byReason[d.reason] ?? 0) + 1;
    }
    return {
      mode: opts.controlPlane ? "control plane" : "standalone",
      resourceUri,
      issuer: idp.issuer,
      audience,
      allowedTools: current.tools.filter((t) => t.enabled).map((t) => t.name),
      outcomes,
      decisions,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}
