import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { type APIRequestContext, expect, test } from "@playwright/test";
import Database from "better-sqlite3";
import { E2E } from "./fixtures/env";
import { asRole } from "./fixtures/roles";

/**
 * The HTTP-layer findings of issues 10 and 23, each against the real production server:
 * CSRF on the cookie-authenticated REST API (§10.1), forged client addresses and request ids (§10.2),
 * bodies buffered before authentication and slow bodies (§10.7), the open redirect after sign-in (§23.1).
 */
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const sameOrigin = { origin: E2E.baseUrl };

async function createResource(request: APIRequestContext): Promise<string> {
  const profile = await request.post("/api/v1/idp-profiles", {
    headers: sameOrigin,
    data: {
      name: `CSRF IdP ${unique()}`,
      kind: "oidc",
      issuer: "https://idp.example.com",
      jwksUri: "https://idp.example.com/jwks",
    },
  });
  expect(profile.status()).toBe(201);
  const name = `csrf-${unique()}`;
  const res = await request.post("/api/v1/resources", {
    headers: sameOrigin,
    data: {
      name,
      uri: `https://${name}.example.com/mcp`,
      idpProfileId: (await profile.json()).idpProfile.id,
      audiences: ["api://csrf"],
    },
  });
  expect(res.status()).toBe(201);
  return (await res.json()).resource.id;
}

async function refusals(request: APIRequestContext): Promise<number> {
  const text = await (await request.get("/api/metrics")).text();
  return Number(/^portcullis_cross_origin_refused_total (\d+)/m.exec(text)?.[1] ?? "0");
}

/** A page on another port of 127.0.0.1: same site as the control plane, another origin. */
async function attackerSite(html: string): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

test.describe("CSRF on the REST API (issue 10 §1)", () => {
  test.use({ storageState: asRole("owner") });

  test("a page on another port cannot create an owner or publish with the owner's cookie; the refusal is logged", async ({
    page,
  }) => {
    const resourceId = await createResource(page.request);
    const email = `csrf-${unique()}@e2e.test`;
    const before = await refusals(page.request);
    const site = await attackerSite(`<!doctype html><title>cats</title>
      <form id="f" method="POST" enctype="text/plain" action="${E2E.baseUrl}/api/v1/resources/${resourceId}/publish">
        <input name='{"note":"' value='x"}'></form>
      <script>
        window.attack = async () => {
          const body = JSON.stringify({ email: ${JSON.stringify(email)}, name: "csrf", role: "owner", password: "attacker-password-1234" });
          await fetch(${JSON.stringify(`${E2E.baseUrl}/api/v1/admins`)}, { method: "POST", mode: "no-cors", credentials: "include",
            headers: { "content-type": "text/plain; application/json" }, body });
          await fetch(${JSON.stringify(`${E2E.baseUrl}/api/v1/resources/${resourceId}/publish`)}, { method: "POST", mode: "no-cors", credentials: "include" });
        };
      </script>`);
    try {
      const statuses: Record<string, number> = {};
      page.on("response", (r) => {
        if (r.url().startsWith(E2E.baseUrl) && r.request().method() === "POST")
          statuses[new URL(r.url()).pathname] = r.status();
      });
      await page.goto(site.url);
      await page.evaluate(() => (window as unknown as { attack: () => Promise<void> }).attack());
      await expect.poll(() => statuses["/api/v1/admins"]).toBe(403);
      await expect.poll(() => statuses[`/api/v1/resources/${resourceId}/publish`]).toBe(403);
      // The same attack as a top-level form post (no script needed): refused too.
      const navigated = page.waitForResponse((r) => r.url().endsWith("/publish"));
      await page.locator("#f").evaluate((f: HTMLFormElement) => f.submit());
      expect((await navigated).status()).toBe(403);

      // Nothing changed: no new admin, no version; and the refusals were counted (and logged with them).
      const admins = (await (await page.request.get("/api/v1/admins")).json()).admins as { email: string }[];
      expect(admins.map((a) => a.email)).not.toContain(email);
      const versions = (await (await page.request.get(`/api/v1/resources/${resourceId}/versions`)).json()).versions;
      expect(versions).toEqual([]);
      expect(await refusals(page.request)).toBeGreaterThanOrEqual(before + 3);
    } finally {
      site.server.close();
    }

    // The dashboard's own origin still works, and the media type is read exactly.
    await page.goto("/");
    const [created, smuggled, published] = await page.evaluate(
      async ([mail, id]) => {
        const post = (url: string, type: string | null, body?: string) =>
          fetch(url, { method: "POST", headers: type ? { "content-type": type } : {}, body }).then((r) => r.status);
        const data = JSON.stringify({ email: mail, name: "ok", role: "viewer", password: "same-origin-pass-1234" });
        return [
          await post("/api/v1/admins", "application/json", data),
          await post("/api/v1/admins", "text/plain; application/json", data),
          await post(`/api/v1/resources/${id}/publish`, null),
        ];
      },
      [`same-${unique()}@e2e.test`, resourceId] as const,
    );
    expect([created, smuggled, published]).toEqual([201, 415, 201]);
  });
});

test.describe("client address and request id (issue 10 §2)", () => {
  test.use({ storageState: asRole("owner") });

  test("X-Forwarded-For and X-Request-Id from the client never reach the audit trail", async ({ page, playwright }) => {
    const email = `xff-${unique()}@e2e.test`;
    const res = await page.request.post("/api/v1/admins", {
      headers: { ...sameOrigin, "x-forwarded-for": "6.6.6.6", "x-real-ip": "7.7.7.7", "x-request-id": "forged-id-1" },
      data: { email, name: "xff", role: "viewer", password: "xff-password-12345" },
    });
    expect(res.status()).toBe(201);
    const id = (await res.json()).admin.id as string;
    const serverId = res.headers()["x-request-id"];
    expect(serverId).toMatch(/^[0-9a-f-]{36}$/);
    const db = new Database(E2E.dbFile, { readonly: true, fileMustExist: true });
    try {
      const row = db
        .prepare("SELECT ip, requestId FROM AuditEvent WHERE action = 'admin.created' AND targetId = ?")
        .get(id) as { ip: string | null; requestId: string | null };
      expect(row).toEqual({ ip: "127.0.0.1", requestId: serverId });
    } finally {
      db.close();
    }
    // An error body names the server's id too, never the client's.
    const anonymous = await playwright.request.newContext({
      baseURL: E2E.baseUrl,
      storageState: { cookies: [], origins: [] },
    });
    const anon = await anonymous.get("/api/v1/admins", { headers: { "x-request-id": "forged-id-2" } });
    expect(anon.status()).toBe(401);
    const body = await anon.json();
    expect(body.error.requestId).not.toBe("forged-id-2");
    expect(body.error.requestId).toBe(anon.headers()["x-request-id"]);
    await anonymous.dispose();
  });
});

/** Raw HTTP over a socket: the headers, part of the body, then wait for whatever the server says. */
function partialPost(
  method: "POST" | "PUT",
  path: string,
  declared: number,
  sent: number,
  waitMs: number,
): Promise<{ answer: string; ms: number }> {
  const { hostname, port } = new URL(E2E.baseUrl);
  return new Promise((resolve) => {
    const started = Date.now();
    let answer = "";
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `${method} ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`,
      );
      socket.write("x".repeat(sent));
    });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ answer, ms: Date.now() - started });
    };
    const timer = setTimeout(done, waitMs);
    socket.on("data", (d) => {
      answer += d.toString("latin1");
      if (answer.includes("\r\n\r\n")) done();
    });
    socket.on("close", done);
    socket.on("error", done);
  });
}

test.describe("bodies before authentication (issue 10 §7)", () => {
  test("an anonymous 10 MB post is refused before its body arrives", async () => {
    for (const [method, path, status] of [
      ["POST", "/api/v1/admins", "401 Unauthorized"],
      ["POST", "/api/v1/telemetry", "401 Unauthorized"],
      ["POST", "/api/v1/enforcer/heartbeat", "401 Unauthorized"],
      ["PUT", "/api/v1/resources/x/tools", "401 Unauthorized"],
      ["POST", "/api/auth/callback/credentials", "413 Payload Too Large"],
    ] as const) {
      const { answer, ms } = await partialPost(method, path, 10 * 1024 * 1024, 1024, 5_000);
      expect([path, answer.split("\r\n")[0]]).toEqual([path, `HTTP/1.1 ${status}`]);
      expect(ms).toBeLessThan(3_000);
    }
  });

  test("a slow body is cut off (HTTP_REQUEST_TIMEOUT_MS, 10 s in e2e)", async () => {
    test.setTimeout(40_000);
    const { answer, ms } = await partialPost("POST", "/signin", 100_000, 10, 25_000);
    expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 408 Request Timeout");
    expect(ms).toBeGreaterThan(9_000);
    expect(ms).toBeLessThan(20_000);
  });
});

test.describe("open redirect after sign-in (issue 23 §1)", () => {
  const hostile = [
    "/\\evil.example",
    "/%5Cevil.example",
    "/%09/evil.example",
    "/%2F%2Fevil.example",
    "https:evil.example",
  ];

  test.describe("signed in", () => {
    test.use({ storageState: asRole("owner") });

    for (const value of hostile)
      test(`callbackUrl=${value} stays on our origin`, async ({ page }) => {
        await page.goto(`/signin?callbackUrl=${value}`);
        expect(new URL(page.url()).origin).toBe(E2E.baseUrl);
        await expect(page.getByTestId("current-admin")).toHaveText(E2E.owner.email);
      });

    test("a same-origin deep link still works", async ({ page }) => {
      await page.goto(`/signin?callbackUrl=${encodeURIComponent("/audit?action=admin.created")}`);
      expect(page.url()).toBe(`${E2E.baseUrl}/audit?action=admin.created`);
    });
  });

  test("signed out: the password form lands on our origin, and a deep link survives sign-in", async ({ browser }) => {
    test.setTimeout(150_000); // three real sign-ins (password hashing) on a busy machine
    for (const [value, landing] of [
      ["/%5Cevil.example", `${E2E.baseUrl}/`],
      ["/%09/evil.example", `${E2E.baseUrl}/`],
      [encodeURIComponent("/audit"), `${E2E.baseUrl}/audit`],
    ] as const) {
      const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
      const page = await ctx.newPage();
      await page.goto(`/signin?callbackUrl=${value}`);
      await page.getByLabel("Email").fill(E2E.owner.email);
      await page.getByLabel("Password").fill(E2E.owner.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(page.getByTestId("current-admin")).toHaveText(E2E.owner.email, { timeout: 40_000 });
      expect([value, page.url()]).toEqual([value, landing]);
      await ctx.close();
    }
  });
});
