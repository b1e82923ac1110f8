import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { type APIRequestContext, expect, test } from "@playwright/test";
import { asRole } from "./fixtures/roles";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** An IdP profile (via REST) for resources to point at; unique per test. */
async function createProfile(request: APIRequestContext): Promise<{ id: string; name: string }> {
  const name = `Res IdP ${unique()}`;
  const res = await request.post("/api/v1/idp-profiles", {
    data: { name, kind: "entra", tenantId: "c0ffee00-0000-4000-8000-00000000c0de", tokenVersion: "v2" },
  });
  expect(res.status()).toBe(201);
  return (await res.json()).idpProfile;
}

/** A real SDK McpServer on loopback, for "Import from a running MCP server". */
async function startMcp(): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const mcp = new McpServer({ name: "e2e-files", version: "1.0.0" });
    mcp.registerTool("list_dir", { description: "Lists a directory" }, async () => ({ content: [] }));
    mcp.registerTool("stat_file", { description: "File metadata" }, async () => ({ content: [] }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => void transport.close());
    await mcp.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, server };
}

test.describe("MCP resources (admin)", () => {
  test.use({ storageState: asRole("admin") });

  test("registers a resource, sets scopes and a tool allowlist, and sees them after reload", async ({ page }) => {
    const profile = await createProfile(page.request);
    const name = `files-${unique()}`;
    await page.goto("/resources");
    await page.screenshot({ path: "/tmp/resources-list.png", fullPage: true });
    await page.getByRole("link", { name: "Register a resource" }).click();
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("IdP profile").selectOption(profile.id);
    await page.getByLabel("Resource URI").fill(`HTTPS://${name}.Example.com:443/mcp/`);
    await expect(page.getByText(`https://${name}.example.com/mcp`, { exact: true })).toBeVisible();
    await page.getByLabel("Accepted audiences").fill("api://files\n11111111-2222-4333-8444-555555555555");
    await page.screenshot({ path: "/tmp/resources-new.png", fullPage: true });
    await page.getByRole("button", { name: "Register resource" }).click();

    await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
    await expect(page.getByText(`https://${name}.example.com/mcp`).first()).toBeVisible();
    await expect(page.getByText("Draft has unpublished changes").first()).toBeVisible();
    await expect(page.getByRole("heading", { name: "What to do next" })).toBeVisible();
    await expect(page.getByTestId("embed-snippet")).toContainText("createConfigClient");
    await page.screenshot({ path: "/tmp/resource-overview.png", fullPage: true });

    // Policy: a custom scope (one with a space is refused), a method mapping and a rate limit.
    await page.getByRole("navigation", { name: "Resource sections" }).getByRole("link", { name: "Policy" }).click();
    await page.getByLabel("New scope").fill("files read");
    await page.getByRole("button", { name: "Add scope" }).click();
    await expect(page.getByText("A scope has no spaces, quotes or backslashes.")).toBeVisible();
    await page.getByLabel("New scope").fill("files:read");
    await page.getByLabel("Scope description").fill("Read files");
    await page.getByRole("button", { name: "Add scope" }).click();
    await page.getByLabel("Scopes for tools/call").fill("mcp:tools mcp:tools:execute files:read");
    await page.getByLabel("Tool invocations per minute").fill("50");
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect(page.getByText("Policy saved to the draft.")).toBeVisible();
    await page.reload();
    await expect(page.getByTestId("scope-files:read")).toBeVisible();
    await expect(page.getByLabel("Description of files:read")).toHaveValue("Read files");
    await expect(page.getByLabel("Scopes for tools/call")).toHaveValue("mcp:tools mcp:tools:execute files:read");
    await expect(page.getByLabel("Tool invocations per minute")).toHaveValue("50");
    await page.screenshot({ path: "/tmp/resource-policy.png", fullPage: true });

    // Tools: add by name, per-tool scope, one disabled.
    await page.getByRole("navigation", { name: "Resource sections" }).getByRole("link", { name: "Tools" }).click();
    for (const tool of ["read_file", "write_file"]) {
      await page.getByLabel("Tool name").fill(tool);
      await page.getByRole("button", { name: "Add tool" }).click();
    }
    await page.getByLabel("Scopes for read_file").fill("files:read");
    await page.getByRole("switch", { name: "write_file enabled" }).uncheck();
    await expect(page.getByText("Unsaved changes")).toBeVisible();
    await page.getByRole("button", { name: "Save tools" }).click();
    await expect(page.getByText("Tools saved to the draft.")).toBeVisible();
    await page.reload();
    await expect(page.getByTestId("tool-read_file")).toBeVisible();
    await expect(page.getByLabel("Scopes for read_file")).toHaveValue("files:read");
    await expect(page.getByRole("switch", { name: "write_file enabled" })).not.toBeChecked();
    await expect(page.getByRole("switch", { name: "read_file enabled" })).toBeChecked();
    await expect(page.getByLabel("Tools not in the list")).toHaveValue("deny");
    await page.screenshot({ path: "/tmp/resource-tools.png", fullPage: true });

    const api = await (await page.request.get("/api/v1/resources")).json();
    expect(api.resources.find((r: { name: string }) => r.name === name)).toMatchObject({
      toolCount: 2,
      hasUnpublishedChanges: true,
    });
  });

  test("imports tools from a running MCP server (called by the control plane)", async ({ page }) => {
    const mcp = await startMcp();
    try {
      const profile = await createProfile(page.request);
      const created = await page.request.post("/api/v1/resources", {
        data: {
          name: `import-${unique()}`,
          uri: `https://import-${unique()}.example.com/mcp`,
          idpProfileId: profile.id,
          audiences: ["api://import"],
        },
      });
      expect(created.status()).toBe(201);
      const { resource } = await created.json();
      await page.goto(`/resources/${resource.id}/tools`);
      await page.getByLabel("MCP server URL").fill(mcp.url);
      await page.getByRole("button", { name: "List tools" }).click();
      await expect(page.getByText("2 tools found")).toBeVisible();
      await page.getByRole("checkbox", { name: /stat_file/ }).uncheck();
      await page.getByRole("button", { name: "Add 1 selected" }).click();
      await page.getByRole("button", { name: "Save tools" }).click();
      await expect(page.getByText("Tools saved to the draft.")).toBeVisible();
      await page.reload();
      await expect(page.getByTestId("tool-list_dir")).toBeVisible();
      await expect(page.getByLabel("Description of list_dir")).toHaveValue("Lists a directory");
      await expect(page.getByTestId("tool-stat_file")).toHaveCount(0);
    } finally {
      mcp.server.closeAllConnections();
      mcp.server.close();
    }
  });

  test("REST: bad input gets a clear error and changes nothing", async ({ page }) => {
    const profile = await createProfile(page.request);
    const count = async () =>
      ((await (await page.request.get("/api/v1/resources")).json()).resources as unknown[]).length;
    const base = () => ({
      name: `r-${unique()}`,
      uri: `https://${unique()}.example.com/mcp`,
      idpProfileId: profile.id,
      audiences: ["api://x"],
    });
    const taken = base();
    expect((await page.request.post("/api/v1/resources", { data: taken })).status()).toBe(201);
    const before = await count();
    const cases: [string, unknown, number, string, string | null][] = [
      ["malformed URI", { ...base(), uri: "not a uri" }, 422, "invalid_input", "uri"],
      ["non-https URI", { ...base(), uri: "http://mcp.example.com/" }, 422, "invalid_input", "uri"],
      ["duplicate name", { ...base(), name: taken.name }, 409, "conflict", "name"],
      [
        "duplicate URI (same after normalization)",
        {
          ...base(),
          uri: taken.uri.replace("https://", "HTTPS://").replace(".example.com/mcp", ".Example.COM:443/mcp/"),
        },
        409,
        "conflict",
        "uri",
      ],
      ["10 MB body", { ...base(), pad: "x".repeat(10 * 1024 * 1024) }, 413, "payload_too_large", null],
    ];
    for (const [label, data, status, code, field] of cases) {
      const res = await page.request.post("/api/v1/resources", { data });
      expect(res.status(), label).toBe(status);
      const body = await res.json();
      expect(body.error.code, label).toBe(code);
      if (field) expect(Object.keys(body.error.fields ?? {}), label).toContain(field);
    }
    const r = (await (await page.request.post("/api/v1/resources", { data: base() })).json()).resource;
    const spaced = await page.request.put(`/api/v1/resources/${r.id}/policy`, {
      data: { scopes: [{ name: "files write", description: "" }], methods: {}, rateLimits: {} },
    });
    expect(spaced.status()).toBe(422);
    expect(Object.keys((await spaced.json()).error.fields)).toContain("scopes.0.name");
    expect(await count()).toBe(before + 1);
  });
});

test.describe("MCP resources (viewer)", () => {
  test.use({ storageState: asRole("viewer") });

  test("sees every tab read-only, and forged REST writes get 403", async ({ page, browser }) => {
    const owner = await browser.newContext({ storageState: asRole("owner") });
    const profile = await createProfile(owner.request);
    const name = `viewer-res-${unique()}`;
    const created = await owner.request.post("/api/v1/resources", {
      data: { name, uri: `https://${name}.example.com/mcp`, idpProfileId: profile.id, audiences: ["api://v"] },
    });
    const { resource } = await created.json();
    expect(
      (
        await owner.request.put(`/api/v1/resources/${resource.id}/tools`, {
          data: { unlistedTools: "deny", tools: [{ name: "read_file" }] },
        })
      ).status(),
    ).toBe(200);
    await owner.close();

    await page.goto("/resources");
    await expect(page.getByRole("link", { name: "Register a resource" })).toHaveCount(0);
    await page.getByRole("link", { name }).click();
    await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
    await expect(page.getByRole("form", { name: "Resource settings" })).toHaveCount(0);
    await page.getByRole("navigation", { name: "Resource sections" }).getByRole("link", { name: "Policy" }).click();
    await expect(page.getByTestId("scope-mcp:tools")).toBeVisible();
    await expect(page.getByRole("button", { name: "Save policy" })).toHaveCount(0);
    await expect(page.getByRole("textbox")).toHaveCount(0);
    await page.getByRole("navigation", { name: "Resource sections" }).getByRole("link", { name: "Tools" }).click();
    await expect(page.getByTestId("tool-read_file")).toBeVisible();
    await expect(page.getByRole("button", { name: "Save tools" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Add tool" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "List tools" })).toHaveCount(0);
    await page.screenshot({ path: "/tmp/resource-tools-viewer.png", fullPage: true });

    const forged = await page.request.post("/api/v1/resources", {
      data: {
        name: `forged-${unique()}`,
        uri: `https://forged-${unique()}.example.com/mcp`,
        idpProfileId: profile.id,
        audiences: ["api://f"],
      },
    });
    expect(forged.status()).toBe(403);
    expect((await forged.json()).error).toMatchObject({ code: "forbidden" });
    const forgedTools = await page.request.put(`/api/v1/resources/${resource.id}/tools`, {
      data: { unlistedTools: "allow", tools: [] },
    });
    expect(forgedTools.status()).toBe(403);
    expect((await forgedTools.json()).error.code).toBe("forbidden");
    expect((await page.request.get(`/api/v1/resources/${resource.id}`)).status()).toBe(200);
    expect((await page.goto("/resources/new"))?.status()).toBe(403);
  });
});
