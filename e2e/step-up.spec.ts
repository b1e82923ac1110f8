/**
 * Issue 20 in a real browser and on the policy page:
 * - a page served by an allowed origin runs the official SDK's discovery and an authorized tools/list against the
 *   sample server behind the enforcer (real CORS preflights; the 401 challenge readable by script);
 * - an admin sets the baseline scopes and hides tools that need more scope, and both survive a reload.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type APIRequestContext, expect, test } from "@playwright/test";
import { build } from "esbuild";
import { type ClientLab, startClientLab } from "../scripts/clients/lab";
import { asRole } from "./fixtures/roles";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test.describe("a browser MCP client on an allowed origin", () => {
  let lab: ClientLab;
  let pages: Server;
  let pageOrigin = "";

  test.beforeAll(async () => {
    const bundle = await build({
      entryPoints: ["e2e/clients/browser-page.ts"],
      bundle: true,
      write: false,
      format: "iife",
      platform: "browser",
      logLevel: "silent",
    });
    const script = bundle.outputFiles[0]?.text ?? "";
    pages = createServer((req, res) => {
      if (req.url === "/lab.js") return void res.writeHead(200, { "content-type": "text/javascript" }).end(script);
      res
        .writeHead(200, { "content-type": "text/html" })
        .end('<!doctype html><title>lab</title><script src="/lab.js"></script>');
    });
    await new Promise<void>((r) => pages.listen(0, "127.0.0.1", r));
    pageOrigin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    lab = await startClientLab({ allowedOrigins: [pageOrigin] });
  });

  test.afterAll(async () => {
    await lab?.close();
    pages?.closeAllConnections();
    await new Promise((r) => pages?.close(r));
  });

  test("discovers, reads the 401 challenge, and lists and calls tools with real CORS preflights", async ({ page }) => {
    await page.goto(pageOrigin);
    await page.waitForFunction(() => "lab" in globalThis);
    type Lab = {
      challenge(u: string): Promise<unknown>;
      discover(u: string): Promise<unknown>;
      listTools(u: string, t: string): Promise<unknown>;
    };
    const challenge = await page.evaluate(
      (u) => (globalThis as unknown as { lab: Lab }).lab.challenge(u),
      lab.resourceUri,
    );
    expect(challenge).toEqual({
      status: 401,
      challenge: expect.stringContaining('scope="mcp:tools"'),
      resourceMetadata: `${new URL(lab.resourceUri).origin}/.well-known/oauth-protected-resource/mcp`,
      scope: "mcp:tools",
      id: 7,
    });
    const discovered = await page.evaluate(
      (u) => (globalThis as unknown as { lab: Lab }).lab.discover(u),
      lab.resourceUri,
    );
    expect(discovered).toMatchObject({
      resource: { resource: lab.resourceUri, scopes_supported: expect.arrayContaining(["mcp:tools:admin"]) },
      tokenEndpoint: expect.stringContaining(lab.idp.issuer),
      statuses: [200, 200],
    });
    const token = await lab.idp.mintAccessToken({ audience: lab.resourceUri, scopes: ["mcp:tools"] });
    const listed = await page.evaluate(([u, t]) => (globalThis as unknown as { lab: Lab }).lab.listTools(u, t), [
      lab.resourceUri,
      token,
    ] as const);
    expect(listed).toEqual({
      tools: ["read_file", "search", "delete_file"],
      text: expect.stringContaining("[read as alice]"),
    });
  });
});

/** An IdP profile and a resource (REST), unique per test. */
async function createResource(request: APIRequestContext): Promise<string> {
  const profile = await request.post("/api/v1/idp-profiles", {
    data: {
      name: `Step-up IdP ${unique()}`,
      kind: "entra",
      tenantId: "c0ffee00-0000-4000-8000-00000000c0de",
      tokenVersion: "v2",
    },
  });
  expect(profile.status()).toBe(201);
  const name = `stepup-${unique()}`;
  const res = await request.post("/api/v1/resources", {
    data: {
      name,
      uri: `https://${name}.example.com/mcp`,
      idpProfileId: (await profile.json()).idpProfile.id,
      audiences: ["api://stepup"],
    },
  });
  expect(res.status()).toBe(201);
  return (await res.json()).resource.id;
}

test.describe("Sign-in and step-up on the policy page", () => {
  test.use({ storageState: asRole("admin") });

  test("sets the baseline scopes and hides tools that need more scope; refuses an unknown scope", async ({ page }) => {
    const id = await createResource(page.request);
    await page.goto(`/resources/${id}/policy`);
    const baseline = page.getByLabel("Baseline scopes");
    await expect(baseline).toHaveValue("");
    await expect(page.getByText("(now: mcp:tools)")).toBeVisible();
    await expect(page.getByRole("radio", { name: /Show in tools\/list/ })).toBeChecked();

    await baseline.fill("files:nope");
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect(page.getByText(/Unknown scope files:nope/)).toBeVisible();

    await baseline.fill("mcp:tools:read mcp:tools:execute");
    await page.getByRole("radio", { name: "Hide from tools/list" }).check();
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect(page.getByText("Policy saved to the draft.")).toBeVisible();
    await page.reload();
    await expect(page.getByLabel("Baseline scopes")).toHaveValue("mcp:tools:read mcp:tools:execute");
    await expect(page.getByRole("radio", { name: "Hide from tools/list" })).toBeChecked();
    const draft = (await (await page.request.get(`/api/v1/resources/${id}`)).json()).resource.draft;
    expect(draft).toMatchObject({ baselineScopes: ["mcp:tools:read", "mcp:tools:execute"], toolsNeedingScope: "hide" });
  });
});
