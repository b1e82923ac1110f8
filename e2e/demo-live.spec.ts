/**
 * Issue 15: `npm run demo:live` for 90 seconds of traffic, watched in Chromium. Every Overview chart has data
 * (outcomes by reason, JWKS scheduled and forced, OBO percentiles, tools, rate-limit hits), the failure spike fires
 * the authentication-failures alert, the counts equal what the traffic generator sent, and Ctrl-C stops every
 * process. The demo's control plane reuses this run's production build (NEXT_DIST_DIR) on its own database;
 * its ports are E2E_PORT + 2000 … + 2003 (DEMO_LIVE_PORT overrides the first).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { expect, type Page, test } from "@playwright/test";
import type { SentTotals } from "../scripts/demo/live/traffic-counter";
import { E2E } from "./fixtures/env";

const base = Number(process.env.DEMO_LIVE_PORT ?? Number(new URL(E2E.baseUrl).port) + 2000);
const dashboard = `http://127.0.0.1:${base}`;
const TRAFFIC_SEC = 90;

/** Lines of the demo's output, and a wait for the first one that matches. */
function watch(child: ChildProcess) {
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  let rest = "";
  const take = (chunk: Buffer) => {
    const parts = (rest + chunk.toString("utf8")).split("\n");
    rest = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters]) {
        const m = w.re.exec(line);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    }
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  return {
    lines,
    waitFor(re: RegExp, ms: number): Promise<RegExpExecArray> {
      const seen = lines.map((l) => re.exec(l)).find(Boolean);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${re} in ${ms} ms:\n${lines.slice(-30).join("\n")}`)), ms);
        waiters.push({
          re,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
  };
}

/** One of the Overview's chart cards (each is a labelled region). */
const region = (page: Page, name: string) => page.getByRole("region", { name, exact: true });

test("npm run demo:live: the Overview fills with live data, counts match the traffic, Ctrl-C stops it all", async ({
  page,
}) => {
  test.setTimeout(360_000);
  const child = spawn(
    "node_modules/.bin/tsx",
    [
      "scripts/demo-live.ts",
      "--reset",
      ...["--port", String(base), "--idp-port", String(base + 1), "--mcp-port", String(base + 2)],
      ...["--downstream-port", String(base + 3), "--data-dir", `data/demo-live-e2e-${base}`],
      ...["--duration", String(TRAFFIC_SEC)],
    ],
    // The e2e server's build, never rebuilt here (the server is serving from it).
    { env: { ...process.env, NEXT_DIST_DIR: E2E.serverEnv.NEXT_DIST_DIR, PORTCULLIS_NO_BUILD: "1" }, detached: true },
  );
  const out = watch(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let passed = false;
  try {
    const [, email, password] = await out.waitFor(/Sign in\s+(\S+)\s+\/\s+(\S+)/, 180_000);
    const started = Date.now();
    await page.goto(`${dashboard}/signin`);
    await page.getByLabel("Email").fill(email ?? "");
    await page.getByLabel("Password").fill(password ?? "");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
    await page.goto(`${dashboard}/?range=15m`);

    // Live data within a minute of the start, without a reload (the Overview polls).
    const reasons = page.getByRole("list", { name: "Failures by reason" });
    for (const reason of [
      "tool_not_allowed",
      "insufficient_scope",
      "token_expired",
      "audience_mismatch",
      "unknown_kid",
    ])
      await expect(reasons.locator(`li[data-reason="${reason}"]`)).toBeVisible({ timeout: 60_000 });
    expect(Date.now() - started).toBeLessThan(60_000);
    await expect(page.locator('[data-kpi="Enforcers online"]')).toHaveText("1");
    await expect(region(page, "Authentication outcomes").getByRole("figure")).toBeVisible();
    const tools = region(page, "Tool invocations by tool");
    await expect(tools.getByRole("figure")).toBeVisible();
    await expect(tools).toContainText(/run_shell|query_database/);
    // send_email exchanges the user's token for the mail API's: latency percentiles, and no exchange failed.
    const obo = region(page, "OBO exchange latency");
    await expect(obo.getByRole("figure", { name: /latency percentiles per downstream/ })).toBeVisible();
    await expect(obo).toContainText(/[1-9][\d,]* exchanges? to 1 downstream, 0 failed; slowest p99: mail-api/);
    await expect(page.getByRole("list", { name: "Rate-limit hits by client" })).toContainText("agent-batch", {
      timeout: 60_000,
    });
    // Scheduled refreshes every 15 s (the demo's JWKS TTL), forced ones for unknown kids and the key rotation.
    await expect(page.getByText(/[1-9]\d* scheduled · [1-9]\d* forced/)).toBeVisible({ timeout: 60_000 });

    // The failure spike (300 forged signatures at 30 s) fires the seeded authentication-failures rule.
    await page.screenshot({ path: "/tmp/demo-live-overview.png", fullPage: true });
    const alert = page
      .getByRole("list", { name: "Open alerts" })
      .getByRole("listitem")
      .filter({ hasText: "Authentication failures" });
    await expect(async () => {
      await page.goto(`${dashboard}/alerts`);
      await expect(alert.first()).toHaveAttribute("data-state", "firing", { timeout: 1_000 });
    }).toPass({ timeout: 60_000 });
    await expect(page.getByRole("link", { name: /^Alerts [1-9]\d* firing$/ }).first()).toBeVisible();
    await page.goto(`${dashboard}/?range=15m`);

    // The traffic stops after 90 s and every event is sent: the Overview's numbers equal what was sent.
    const [, done] = await out.waitFor(/^\{"trafficDone":(.*)\}$/, (TRAFFIC_SEC + 60) * 1000);
    const sent = JSON.parse(done ?? "{}") as SentTotals;
    expect(sent.byReason.rate_limited).toBeGreaterThan(0);
    await expect(page.locator('[data-kpi="Requests"]')).toHaveText(sent.requests.toLocaleString("en-US"), {
      timeout: 30_000,
    });
    await expect(page.locator('[data-kpi="Failures"]')).toHaveText(sent.denied.toLocaleString("en-US"));
    for (const [reason, count] of Object.entries(sent.byReason))
      await expect(reasons.locator(`li[data-reason="${reason}"] [data-count]`)).toHaveText(String(count));
    await expect(reasons.getByRole("listitem")).toHaveCount(Object.keys(sent.byReason).length);
    passed = true;
  } finally {
    // Ctrl-C: the demo stops every process it started (IdP, MCP server, mail API, control plane).
    child.kill("SIGINT");
    const code = await exited;
    // After a failure, whatever the demo left running goes with its process group (it was started detached),
    // so no server outlives the test; after a pass the ports below show that the demo stopped everything itself.
    if (!passed || code !== 0) {
      try {
        process.kill(-(child.pid as number), "SIGKILL");
      } catch {
        // the group is gone already
      }
    }
    expect(code).toBe(0);
  }
  for (const port of [base, base + 1, base + 2, base + 3]) {
    const refused = await fetch(`http://127.0.0.1:${port}/`).then(
      () => false,
      () => true,
    );
    expect(refused, `port ${port} still answers`).toBe(true);
  }
});
