/**
 * Issue 15, an interactive user agent end to end: the official MCP TypeScript SDK client (1.32) against the demo's
 * sample server behind an enforcer managed by this control plane. No token → 401 with resource_metadata → the
 * SDK discovers the protected-resource metadata and the authorization server → authorization code + PKCE S256,
 * with Chromium on the IdP's real sign-in and consent pages → tools/list (the allowlist only) → a call; a tool
 * that needs mcp:tools:admin → 403 insufficient_scope → one more consent → the retry succeeds; an expired access
 * token → the SDK refreshes (rotation: the old refresh token is dead) and continues. Dynamic registration too.
 * Then the dashboard reads the same traffic back: the denied call in the events explorer with its reason, and the
 * Overview's counts equal to the requests the client sent.
 */
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import { LabOAuthProvider, REDIRECT_URI } from "../scripts/clients/sdk-provider";
import { type ManagedSample, startManagedSample } from "./fixtures/managed-sample";
import { asRole } from "./fixtures/roles";

const ALL_SCOPES = "mcp:tools mcp:resources mcp:prompts mcp:tools:read mcp:tools:execute mcp:tools:admin";
const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

let admin: BrowserContext;
let lab: ManagedSample;
/** Every URL the SDK fetched (discovery included), and the WWW-Authenticate challenges it received. */
const fetched: string[] = [];
const challenges: string[] = [];

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ browser }) => {
  admin = await browser.newContext({ storageState: asRole("admin") });
  lab = await startManagedSample(admin.request, {
    tag,
    clients: [
      {
        // A public client registered by an administrator with the resource's scopes (RFC 8252 loopback redirect).
        client_id: "live-host",
        redirect_uris: [REDIRECT_URI],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
        scope: ALL_SCOPES,
      },
    ],
  });
});

test.afterAll(async () => {
  await lab?.close();
  await admin?.close();
});

/**
 * The host's fetch: counted, recorded, and with the typescript-sdk#2255 workaround (on a 403 insufficient_scope the
 * SDK refreshes when it holds a refresh token, which cannot add scope; without it, it re-authorizes).
 */
function hostFetch(provider: LabOAuthProvider): typeof fetch {
  return async (input, init) => {
    fetched.push(String(input instanceof Request ? input.url : input));
    const res = await lab.fetch(input, init);
    const challenge = res.headers.get("www-authenticate");
    if (challenge) challenges.push(challenge);
    if (res.status === 403 && /error="insufficient_scope"/.test(res.headers.get("www-authenticate") ?? ""))
      provider.forgetRefreshToken();
    return res;
  };
}

/** What a person does in the browser for the SDK's last authorization URL; returns the code. */
async function authorizeInBrowser(page: Page, provider: LabOAuthProvider, expectLogin: boolean): Promise<string> {
  const url = provider.authorizationUrls.at(-1);
  if (!url) throw new Error("the SDK started no authorization");
  // The host's loopback redirect URI: the browser lands there with the code.
  await page.route(`${REDIRECT_URI}**`, (route) =>
    route.fulfill({ contentType: "text/html", body: "<title>Signed in</title><p>Signed in. Back to the app.</p>" }),
  );
  await page.goto(url.href);
  if (expectLogin) {
    await page.getByPlaceholder("Enter any login").fill("alice");
    await page.getByPlaceholder("and password").fill("any password");
    await page.getByRole("button", { name: "Sign-in" }).click();
  }
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL((u) => u.href.startsWith(REDIRECT_URI));
  await expect(page.getByText("Signed in. Back to the app.")).toBeVisible();
  const callback = new URL(page.url());
  expect(callback.searchParams.get("error")).toBeNull();
  return callback.searchParams.get("code") ?? "";
}

function transportFor(provider: LabOAuthProvider) {
  return new StreamableHTTPClientTransport(new URL(lab.resourceUri), {
    authProvider: provider,
    fetch: hostFetch(provider),
  });
}

/** Connects; on UnauthorizedError the person signs in (Chromium), the transport finishes, and it connects again. */
async function connect(page: Page, provider: LabOAuthProvider) {
  const client = new Client({ name: "issue-15-host", version: "1.0.0" });
  const first = await client.connect(transportFor(provider)).catch((err: unknown) => err);
  if (first === undefined) return { client, transport: undefined };
  expect(first).toBeInstanceOf(UnauthorizedError);
  await transportFor(provider).finishAuth(await authorizeInBrowser(page, provider, true));
  const transport = transportFor(provider);
  const signedIn = new Client({ name: "issue-15-host", version: "1.0.0" });
  await signedIn.connect(transport);
  return { client: signedIn, transport };
}

/** The IdP's RFC 7591 registration endpoint, from its discovery document. */
async function registrationEndpoint(): Promise<string> {
  const doc = (await (await fetch(lab.idp.discoveryUrl)).json()) as { registration_endpoint?: string };
  expect(doc.registration_endpoint).toBeTruthy();
  return doc.registration_endpoint ?? "";
}

const text = (r: Awaited<ReturnType<Client["callTool"]>>) => (r.content as { text?: string }[])[0]?.text ?? "";

test("pre-registered public client: sign-in and consent in Chromium, tools, step-up, refresh rotation", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const provider = new LabOAuthProvider({ clientId: "live-host", refreshTokens: true });
  const { client, transport } = await connect(page, provider);

  // 401 → RFC 9728 document → the authorization server's metadata, all found by the SDK itself.
  const resourcePath = new URL(lab.resourceUri).pathname;
  expect(fetched).toContain(`${new URL(lab.resourceUri).origin}/.well-known/oauth-protected-resource${resourcePath}`);
  expect(fetched.some((u) => u.startsWith(lab.idp.issuer) && u.includes("/.well-known/"))).toBe(true);
  expect(lab.totals.byReason).toEqual({ token_missing: 1 });
  const authorize = provider.authorizationUrls[0];
  expect(authorize?.searchParams.get("client_id")).toBe("live-host");
  expect(authorize?.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authorize?.searchParams.get("resource")).toBe(lab.resourceUri);
  expect(authorize?.searchParams.get("scope")).toBe("mcp:tools"); // the 401's baseline, not everything
  // Pre-registered: the SDK keeps the administrator's client id and never calls the registration endpoint.
  expect(provider.clientInformation()?.client_id).toBe("live-host");
  expect(fetched).not.toContain(await registrationEndpoint());

  // Only the allowlist: run_shell exists on the server but is not listed in the policy.
  expect((await client.listTools()).tools.map((t) => t.name)).toEqual([
    "query_database",
    "read_file",
    "send_email",
    "delete_records",
  ]);
  expect(
    text(await client.callTool({ name: "query_database", arguments: { sql: "select * from customers" } })),
  ).toContain("[queried as alice]");

  // delete_records needs mcp:tools:admin: 403 insufficient_scope naming it, one more consent, the retry succeeds.
  const refused = await client
    .callTool({ name: "delete_records", arguments: { table: "customers", id: 2 } })
    .catch((e) => e);
  expect(refused).toBeInstanceOf(UnauthorizedError);
  expect(lab.totals.byReason.insufficient_scope).toBe(1);
  // RFC 6750 §3.1 with the scopes to request: what the token holds plus what the tool needs (MCP step-up).
  const stepUp = challenges.at(-1) ?? "";
  expect(stepUp).toContain('error="insufficient_scope"');
  expect(stepUp).toContain(`resource_metadata="${new URL(lab.resourceUri).origin}/.well-known/`);
  expect(/scope="([^"]+)"/.exec(stepUp)?.[1]?.split(" ").sort()).toEqual(["mcp:tools", "mcp:tools:admin"]);
  expect(provider.authorizationUrls[1]?.searchParams.get("scope")?.split(" ").sort()).toEqual([
    "mcp:tools",
    "mcp:tools:admin",
  ]);
  await transport?.finishAuth(await authorizeInBrowser(page, provider, false)); // same IdP session: consent only
  expect(text(await client.callTool({ name: "delete_records", arguments: { table: "customers", id: 2 } }))).toBe(
    "deleted customers #2 [as alice]",
  );

  // Refresh-token rotation: the access token has expired; the SDK refreshes on the 401 and the call goes through.
  const before = provider.tokens();
  expect(before?.refresh_token).toBeTruthy();
  const expired = await lab.idp.mintAccessToken({
    sub: "alice",
    clientId: "live-host",
    audience: lab.resourceUri,
    scopes: ["mcp:tools", "mcp:tools:admin"],
    expiresInSec: -120,
  });
  provider.saveTokens({ ...(before ?? { token_type: "Bearer" }), access_token: expired });
  expect(text(await client.callTool({ name: "read_file", arguments: { path: "/docs/runbook.md" } }))).toContain(
    "[read as alice]",
  );
  expect(lab.totals.byReason.token_expired).toBe(1);
  const after = provider.tokens();
  expect(after?.access_token).not.toBe(expired);
  expect(after?.refresh_token).toBeTruthy();
  expect(after?.refresh_token).not.toBe(before?.refresh_token);
  expect(provider.authorizationUrls).toHaveLength(2); // no third sign-in
  // The old refresh token was used once and is dead now (one-time refresh tokens, DOMAIN.md).
  const replay = await fetch(lab.idp.tokenEndpoint, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: before?.refresh_token ?? "",
      client_id: "live-host",
    }),
  });
  expect(replay.status).toBe(400);
  expect(((await replay.json()) as { error: string }).error).toBe("invalid_grant");
  await client.close();
});

test("dynamic registration: the SDK registers itself, then the same sign-in in Chromium", async ({ browser }) => {
  const context = await browser.newContext(); // a new browser: no IdP session yet
  const page = await context.newPage();
  const provider = new LabOAuthProvider({ refreshTokens: true });
  const { client } = await connect(page, provider);
  const endpoint = await registrationEndpoint();
  expect(fetched.filter((u) => u === endpoint)).toHaveLength(1);
  expect(provider.authorizationUrls[0]?.searchParams.get("client_id")).toBe(provider.clientInformation()?.client_id);
  expect((await client.listTools()).tools.map((t) => t.name)).toContain("read_file");
  expect(text(await client.callTool({ name: "read_file", arguments: { path: "/docs/pricing.md" } }))).toContain(
    "Gold tier",
  );
  await client.close();
  await context.close();
});

test("the dashboard reads the same traffic back: the denied call with its reason, exact counts", async () => {
  await lab.flush();
  const page = await admin.newPage();
  const sent = lab.totals;
  expect(sent.byReason).toEqual({ token_missing: 2, insufficient_scope: 1, token_expired: 1 });

  await page.goto(`/events?resource=${lab.resourceId}&outcome=deny&reason=insufficient_scope&range=1h`);
  const rows = page.getByRole("row").filter({ hasText: "insufficient_scope" });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("delete_records");
  await expect(rows.first()).toContainText("live-host");

  await page.goto(`/?range=1h&resource=${lab.resourceId}`);
  // The Overview polls every 5 s: wait for the last batch, then every number must equal what was sent.
  await expect(page.locator('[data-kpi="Requests"]')).toHaveText(String(sent.requests), { timeout: 30_000 });
  await expect(page.locator('[data-kpi="Failures"]')).toHaveText(String(sent.denied));
  const reasons = page.getByRole("list", { name: "Failures by reason" }).getByRole("listitem");
  await expect(reasons).toHaveCount(Object.keys(sent.byReason).length);
  for (const [reason, count] of Object.entries(sent.byReason))
    await expect(page.locator(`li[data-reason="${reason}"] [data-count]`)).toHaveText(String(count));
  const allowedCalls = Object.values(sent.tools).reduce((n, t) => n + t.allowed, 0);
  await expect(page.locator('[data-kpi="Tool calls"]')).toHaveText(String(allowedCalls));
  await page.close();
});
