/**
 * Issue 13 #1: the demo makes one on-behalf-of exchange (and a second one served from the cache), so the Overview's
 * OBO panel has data. The downstream comes from the published policy when it has one (its secret read as the policy
 * says, from PORTCULLIS_OBO_* variables); otherwise a demo downstream at the test IdP's own token endpoint.
 */
import type { TestIdp } from "../../e2e/idp/test-idp.js";
import {
  createOboClient,
  type EnforcerPolicy,
  type OboDownstreamConfig,
  oboCredentialsFromPolicy,
  type TelemetrySink,
} from "../../lib/enforcer/index.js";
import type { Outcome } from "./scenarios.js";

/** The test IdP's built-in confidential client for exchanges (e2e/idp). */
const DEMO_SECRET_ENV = "PORTCULLIS_OBO_DEMO_SECRET";

export async function oboScenario(opts: {
  idp: TestIdp;
  policy: () => EnforcerPolicy | undefined;
  sink: TelemetrySink;
  userToken: string;
}): Promise<Outcome> {
  const published = opts.policy()?.obo[0];
  const demo: OboDownstreamConfig = {
    name: "demo-downstream",
    grant: opts.policy()?.idp.kind === "entra" ? "entra_obo" : "token_exchange",
    tokenEndpoint: opts.idp.tokenEndpoint,
    scope: "api://downstream-api/mcp:tools",
    audience: "api://downstream-api",
    clientId: "portcullis-obo",
    clientAuth: "client_secret_basic",
    secretFrom: { env: DEMO_SECRET_ENV },
  };
  const env = { [DEMO_SECRET_ENV]: "portcullis-obo-secret", ...process.env };
  const credentials = (d: OboDownstreamConfig) => oboCredentialsFromPolicy(d, { source: { env, readFile: () => "" } });
  const obo = published
    ? createOboClient({ policy: opts.policy, credentials, sink: opts.sink })
    : createOboClient({ downstreams: [demo], credentials, sink: opts.sink });
  const name = published?.name ?? demo.name;
  const expected = { status: 200 };
  try {
    const first = await obo.exchange(opts.userToken, name);
    await obo.exchange(opts.userToken, name); // the cache answers: no IdP round trip
    const until = new Date(first.expiresAt * 1000).toISOString();
    return {
      scenario: `on-behalf-of exchange for ${name} (then from the cache)`,
      expected,
      status: 200,
      reason: undefined,
      detail: `downstream token until ${until}; ${obo.cacheSize} cached`,
      ok: true,
    };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return {
      scenario: `on-behalf-of exchange for ${name}`,
      expected,
      status: 0,
      reason: code,
      detail: err instanceof Error ? err.message.slice(0, 160) : String(err),
      ok: false,
    };
  }
}
