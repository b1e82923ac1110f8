import { defineConfig } from "@playwright/test";
import { E2E } from "./e2e/fixtures/env";

/**
 * Real Chromium (Debian's /usr/bin/chromium, never a downloaded browser) against a production
 * build on 127.0.0.1, with the loopback test IdP for SSO. A fresh SQLite database per run.
 */
const isCI = Boolean(process.env.CI);

export default defineConfig({
  testDir: "e2e",
  outputDir: `test-results/${new URL(E2E.baseUrl).port}`,
  testMatch: /.*\.(spec|setup)\.ts$/,
  forbidOnly: isCI,
  retries: isCI ? 1 : 0,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // The JSON report feeds scripts/test.mjs's summary line (PLAYWRIGHT_JSON_OUTPUT_NAME).
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [["list"], ["json"]] : [["list"]],
  use: {
    baseURL: E2E.baseUrl,
    trace: "on-first-retry",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    { name: "setup", testMatch: /.*\.setup\.ts$/ },
    { name: "chromium", testMatch: /.*\.spec\.ts$/, dependencies: ["setup"] },
  ],
  webServer: [
    {
      command: `npx tsx scripts/test-idp.ts --port ${E2E.idpPort} --shape oidc --redirect ${E2E.baseUrl}/api/auth/callback/oidc`,
      url: `${E2E.idpIssuer}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // Never reuse a server: it could point at another database (STACK.md).
      command: `rm -f ${E2E.dbFile} ${E2E.dbFile}-journal && node scripts/start.mjs`,
      url: `${E2E.baseUrl}/api/health`,
      reuseExistingServer: false,
      // The first start builds (about 2-4 min on a quiet 2-core machine; much longer when it is shared).
      timeout: 900_000,
      stdout: "pipe",
      env: E2E.serverEnv,
    },
  ],
});
