import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { expect, test } from "@playwright/test";
import { asRole } from "./fixtures/roles";
import { startTestIdp, type TestIdp } from "./idp/test-idp";

/**
 * Issue 13 #8 and #1: the embed snippet exactly as the resource page shows it is saved to a file and run (tsx) as the
 * MCP server: it loads the signed config from this control plane, an MCP client calls its tools through the
 * enforcer, one tool makes an on-behalf-of exchange for the downstream the admin configured in the Downstream APIs
 * tab, and its telemetry shows up in the resource's OBO panel.
 */
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const AUDIENCE = "api://e2e-snippet";
const PORT = 5171; // this engineer's test port range

test.describe("the embed snippet runs (admin)", () => {
  test.use({ storageState: asRole("admin") });
  let idp: TestIdp;
  let child: ChildProcess | undefined;
  test.beforeAll(async () => {
    idp = await startTestIdp({ shape: "oidc" });
  });
  test.afterAll(async () => {
    if (child?.pid) process.kill(-child.pid, "SIGTERM");
    await idp.close();
  });

  test("copied from the page, it serves MCP behind the enforcer, exchanges on-behalf-of, reports telemetry", async ({
    page,
  }) => {
    test.setTimeout(180_000);
    const profile = await page.request.post("/api/v1/idp-profiles", {
      data: { name: `Snippet IdP ${unique()}`, kind: "oidc", issuer: idp.issuer, jwksUri: idp.jwksUri },
    });
    const name = `snippet-${unique()}`;
    const uri = `http://127.0.0.1:${PORT}/mcp`;
    const created = await page.request.post("/api/v1/resources", {
      data: { name, uri, idpProfileId: (await profile.json()).idpProfile.id, audiences: [AUDIENCE] },
    });
    const { resource } = await created.json();
    await page.request.put(`/api/v1/resources/${resource.id}/tools`, {
      data: { unlistedTools: "deny", tools: [{ name: "whoami" }, { name: "call_graph" }] },
    });

    // The admin adds the downstream in the browser.
    await page.goto(`/resources/${resource.id}/downstreams`);
    await page.getByRole("button", { name: "Add downstream API" }).click();
    await page.getByLabel("Name", { exact: true }).fill("graph");
    await page.getByLabel("Grant").selectOption("token_exchange");
    await page.getByLabel("Scope to request").fill("mcp:tools");
    await page.getByLabel("Audience (token exchange, optional)").fill("api://downstream-api");
    await page.getByLabel("Token endpoint").fill(idp.tokenEndpoint);
    await page.getByLabel("Client id", { exact: true }).fill("portcullis-obo");
    await page.getByLabel("Variable name").fill("PORTCULLIS_OBO_GRAPH_SECRET");
    await page.getByRole("button", { name: "Save downstream APIs" }).click();
    await expect(page.getByText("Downstream APIs saved to the draft.")).toBeVisible();
    expect((await page.request.post(`/api/v1/resources/${resource.id}/publish`, { data: {} })).status()).toBe(201);
    const cred = await page.request.post(`/api/v1/resources/${resource.id}/credentials`, { data: { name: "snippet" } });
    const { secret } = await cred.json();

    // The snippet, as shown.
    await page.goto(`/resources/${resource.id}`);
    const code = (await page.getByTestId("embed-snippet").textContent()) ?? "";
    expect(code).toContain("createOboClient({");
    const dir = join(process.cwd(), "test-results", "snippets-run");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, code);
    child = spawn("npx", ["tsx", file], {
      cwd: process.cwd(),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        PORT: String(PORT),
        PORTCULLIS_CREDENTIAL: secret,
        PORTCULLIS_CACHE_DIR: mkdtempSync(join(tmpdir(), "snippet-cache-")),
        PORTCULLIS_OBO_GRAPH_SECRET: "portcullis-obo-secret",
      },
    });
    let output = "";
    child.stdout?.on("data", (d) => {
      output += String(d);
    });
    child.stderr?.on("data", (d) => {
      output += String(d);
    });
    await expect
      .poll(
        async () =>
          (await fetch(`http://127.0.0.1:${PORT}/.well-known/oauth-protected-resource/mcp`).catch(() => null))?.status,
        {
          timeout: 60_000,
          message: `the snippet did not start:\n${output}`,
        },
      )
      .toBe(200);

    const token = await idp.mintAccessToken({ sub: "alice", scopes: ["mcp:tools"], audience: AUDIENCE });
    const client = new Client({ name: "e2e-snippet-client", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(uri), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    const whoami = await client.callTool({ name: "whoami", arguments: {} });
    expect(JSON.stringify(whoami.content)).toContain("hello alice");
    for (let i = 0; i < 3; i++) {
      const obo = await client.callTool({ name: "call_graph", arguments: {} });
      expect(obo.isError ?? false, JSON.stringify(obo.content)).toBe(false);
      expect(JSON.stringify(obo.content)).toContain("graph token until");
    }
    await client.close();

    // Its telemetry reaches the resource's OBO panel: one IdP round trip, then the cache.
    await expect
      .poll(
        async () => {
          await page.goto(`/resources/${resource.id}`);
          return (
            (await page
              .getByRole("list", { name: "OBO cache hits per downstream" })
              .textContent()
              .catch(() => "")) ?? ""
          );
        },
        { timeout: 60_000, intervals: [3000] },
      )
      .toContain("graph: 67 % from cache (2 hits, 1 IdP round trips)");
    await page.screenshot({ path: "/tmp/snippet-obo-panel.png", fullPage: true });
  });
});
