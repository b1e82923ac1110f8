/**
 * The live demo's traffic: several agents against the protected sample server for as long as the demo runs.
 * Steady: an SDK client listing and calling tools, a headless agent with client credentials, an analyst reading a resource and a prompt, a mailer whose tool
 * calls the mail API on behalf of the user (OBO), an intruder calling a disallowed tool and one it lacks the scope
 * for, a stale agent (expired token), a misconfigured one (wrong audience), a token with an unknown kid (forced
 * JWKS refresh). Now and then: a key rotation at the IdP, a burst that trips the rate limit, a failure spike that
 * fires the authentication-failures alert. Every request is counted as the enforcer answered it.
 */
import { randomUUID } from "node:crypto";
import { ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { MintAccessTokenOptions, TestIdp } from "../../../e2e/idp/test-idp.js";
import { countingFetch, emptyTotals, type SentTotals } from "./traffic-counter.js";

export interface TrafficOptions {
  resourceUri: string;
  idp: TestIdp;
  audience: string;
  log: (line: string) => void;
}

export interface Traffic {
  totals: () => SentTotals;
  /** Stops scheduling and waits for the requests in flight. */
  stop: () => Promise<void>;
}

const PROTOCOL = "2025-11-25";
/** Seconds between runs of each steady agent. */
const EVERY = { claims: 3, analyst: 4, mailer: 6, intruder: 10, stale: 15, misconfigured: 20, forgedKid: 30, sync: 20 };
/** Occasional events: first at, then every (seconds). */
const ROTATE = { first: 40, every: 300 };
/** Agents keep a token and renew it a minute before it expires (the IdP issues 5-minute tokens here). */
const RENEW_AFTER_MS = 240_000;
const BURST = { first: 15, every: 120, calls: 120 };
const SPIKE = { first: 30, every: 240, requests: 300 };

export function startTraffic(o: TrafficOptions): Traffic {
  const totals = emptyTotals();
  const send = countingFetch(o.resourceUri, totals);
  const inflight = new Set<Promise<unknown>>();
  let tick = 0;
  let rpcId = 0;
  const mint = (opts: MintAccessTokenOptions) => o.idp.mintAccessToken({ audience: o.audience, ...opts });
  const held = new Map<string, { token: Promise<string>; at: number }>();
  /** The agent's current token, as a real agent keeps one (every new token counts against the refresh limit). */
  function tokenOf(opts: MintAccessTokenOptions & { sub: string; clientId: string }) {
    const key = `${opts.clientId}/${opts.sub}`;
    const kept = held.get(key);
    if (kept && Date.now() - kept.at < RENEW_AFTER_MS) return kept.token;
    const token = mint(opts);
    held.set(key, { token, at: Date.now() });
    return token;
  }

  function rpc(token: string, method: string, params: Record<string, unknown> = {}) {
    return send(o.resourceUri, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": PROTOCOL,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++rpcId, method, params }),
    }).then((res) => res.text());
  }
  const call = (token: string, name: string, args: Record<string, unknown>) =>
    rpc(token, "tools/call", { name, arguments: args });

  /** The official SDK client, as an agent host runs it: initialize, list, call, close. */
  async function claimsBot() {
    const token = await tokenOf({ sub: "alice", clientId: "agent-claims", scopes: ["mcp:tools"] });
    const client = new Client({ name: "claims-bot", version: "2.3.0" });
    const transport = new StreamableHTTPClientTransport(new URL(o.resourceUri), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
      fetch: send,
    });
    await client.connect(transport);
    try {
      await client.listTools();
      await client.callTool({
        name: "query_database",
        arguments: { sql: "select * from customers where tier='gold'" },
      });
    } finally {
      await client.close();
    }
  }

  /**
   * A headless agent: the SDK's client-credentials provider finds the IdP through the 401 and the RFC 9728 document
   * (once: the provider keeps its token) and gets an app-only token (Entra: the grant in `roles`).
   */
  const machine = new ClientCredentialsProvider({
    clientId: "agent-1",
    clientSecret: "agent-1-secret",
    scope: "mcp:tools",
    expectedIssuer: o.idp.issuer,
  });
  async function nightlySync() {
    const client = new Client({ name: "nightly-sync", version: "1.4.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(o.resourceUri), { authProvider: machine, fetch: send }),
    );
    try {
      await client.callTool({ name: "query_database", arguments: { sql: "select count(*) from customers" } });
    } finally {
      await client.close();
    }
  }

  async function analyst() {
    const token = await tokenOf({
      sub: "bob",
      clientId: "agent-analyst",
      scopes: ["mcp:tools", "mcp:resources", "mcp:prompts"],
    });
    await call(token, "read_file", { path: "/docs/pricing.md" });
    await rpc(token, "resources/read", { uri: "crm://schema" });
    await rpc(token, "prompts/get", { name: "summarize_customer", arguments: { name: "Acme Corp" } });
  }

  /**
   * A mail assistant serving 100 users in turn, each with their own token (a user comes back every 10 minutes, by
   * then with a new token): the OBO cache misses, so every call is an exchange at the IdP.
   */
  let mailUser = 0;
  async function mailer() {
    const sub = `user-${mailUser++ % 100}`;
    const token = await tokenOf({ sub, clientId: "agent-mailer", scopes: ["mcp:tools"] });
    await call(token, "send_email", { to: "ops@example.com", subject: `Daily report ${new Date().toISOString()}` });
  }

  async function intruder() {
    const token = await tokenOf({ sub: "mallory", clientId: "agent-intruder", scopes: ["mcp:tools"] });
    await call(token, "run_shell", { command: "cat /etc/passwd" }); // not in the allowlist
    await call(token, "delete_records", { table: "customers", id: 1 }); // needs mcp:tools:admin
  }

  const stale = async () =>
    call(await mint({ sub: "erin", clientId: "agent-stale", expiresInSec: -600 }), "read_file", {
      path: "/docs/runbook.md",
    });
  const misconfigured = async () =>
    call(await mint({ sub: "frank", clientId: "agent-misconfigured", audience: "api://another-api" }), "read_file", {
      path: "/docs/runbook.md",
    });
  /** A kid the IdP never published: the enforcer refreshes the JWKS once (forced), then refuses. */
  const forgedKid = async () =>
    call(
      await mint({ sub: "grace", clientId: "agent-forged", header: { kid: `forged-${randomUUID()}` } }),
      "read_file",
      {
        path: "/docs/runbook.md",
      },
    );

  async function rotate() {
    o.idp.dropOldKeys();
    await o.idp.rotateKeys();
    o.log("IdP: signing key rotated; the next tokens carry a new kid (the enforcer refreshes its JWKS)");
  }

  async function burst() {
    const token = await tokenOf({ sub: "dave", clientId: "agent-batch", scopes: ["mcp:tools"] });
    o.log(`burst: agent-batch sends ${BURST.calls} tool calls at once (limit 100 a minute per user)`);
    await pool(BURST.calls, 8, () => call(token, "query_database", { sql: "select count(*) from orders" }));
  }

  async function spike() {
    const good = await mint({ sub: "mallory", clientId: "agent-compromised", scopes: ["mcp:tools"] });
    const forged = `${good.slice(0, good.lastIndexOf(".") + 1)}${"A".repeat(342)}`;
    o.log(`failure spike: ${SPIKE.requests} requests with a forged signature (alert: > 50 failures a minute)`);
    await pool(SPIKE.requests, 8, () => call(forged, "read_file", { path: "/etc/shadow" }));
  }

  const due = (every: number, first = 0) => tick >= first && (tick - first) % every === 0;
  function run(name: string, job: () => Promise<unknown>) {
    const p = job()
      .catch((err: unknown) => o.log(`${name}: ${err instanceof Error ? err.message.slice(0, 120) : String(err)}`))
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }

  let lastReport = 0;
  const timer = setInterval(() => {
    if (due(EVERY.claims)) run("claims-bot", claimsBot);
    if (due(EVERY.analyst, 1)) run("analyst", analyst);
    if (due(EVERY.mailer, 2)) run("mailer", mailer);
    if (due(EVERY.intruder, 3)) run("intruder", intruder);
    if (due(EVERY.stale, 4)) run("stale agent", stale);
    if (due(EVERY.misconfigured, 5)) run("misconfigured agent", misconfigured);
    if (due(EVERY.forgedKid, 6)) run("forged kid", forgedKid);
    if (due(EVERY.sync, 7)) run("nightly sync", nightlySync);
    if (due(ROTATE.every, ROTATE.first)) run("rotation", rotate);
    if (due(BURST.every, BURST.first)) run("burst", burst);
    if (due(SPIKE.every, SPIKE.first)) run("spike", spike);
    if (tick - lastReport >= 30) {
      lastReport = tick;
      o.log(`traffic: ${totals.requests} requests so far (${totals.allowed} allowed, ${totals.denied} denied)`);
    }
    tick++;
  }, 1000);

  return {
    totals: () => structuredClone(totals),
    async stop() {
      clearInterval(timer);
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
  };
}

/** Runs `total` jobs, `width` at a time. */
async function pool(total: number, width: number, job: () => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next++ < total) await job();
    }),
  );
}
