import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs start script without types
import { MissingSecretsError, resolveSecrets } from "./start-secrets.mjs";

const mode = (file: string) => statSync(file).mode & 0o777;
const dir = () => mkdtempSync(join(tmpdir(), "pcl-secrets-"));

describe("npm start secrets (issue 10 #9)", () => {
  it("production without secrets: refuses, names both variables, writes nothing", () => {
    const data = dir();
    const env: Record<string, string> = { NODE_ENV: "production" };
    expect(() => resolveSecrets(env, data)).toThrow(MissingSecretsError);
    try {
      resolveSecrets(env, data);
    } catch (e) {
      expect((e as Error).message).toMatch(/NEXTAUTH_SECRET/);
      expect((e as Error).message).toMatch(/PORTCULLIS_ENCRYPTION_KEY/);
    }
    expect(() => statSync(join(data, "secrets.json"))).toThrow();
    expect(env.PORTCULLIS_ENCRYPTION_KEY).toBeUndefined();
  });

  it("production ignores a secrets.json beside the database and names it", () => {
    const data = dir();
    writeFileSync(
      join(data, "secrets.json"),
      JSON.stringify({ NEXTAUTH_SECRET: "x", PORTCULLIS_ENCRYPTION_KEY: "y" }),
      {
        mode: 0o644,
      },
    );
    const env: Record<string, string> = { NODE_ENV: "production", NEXTAUTH_SECRET: "s".repeat(40) };
    expect(() => resolveSecrets(env, data)).toThrow(/PORTCULLIS_ENCRYPTION_KEY[\s\S]*secrets\.json exists/);
    expect(env.PORTCULLIS_ENCRYPTION_KEY).toBeUndefined();
    expect(mode(join(data, "secrets.json"))).toBe(0o600);
  });

  it("production with both from the environment starts (the e2e server's case)", () => {
    const env = { NODE_ENV: "production", NEXTAUTH_SECRET: "s".repeat(40), PORTCULLIS_ENCRYPTION_KEY: "k".repeat(44) };
    expect(resolveSecrets(env, dir())).toEqual({ generated: [], file: null });
  });

  it("development: generated once into secrets.json, mode 0600, fixed at every start", () => {
    const data = dir();
    const first: Record<string, string> = {};
    expect(resolveSecrets(first, data).generated).toEqual(["NEXTAUTH_SECRET", "PORTCULLIS_ENCRYPTION_KEY"]);
    const file = join(data, "secrets.json");
    expect(mode(file)).toBe(0o600);
    chmodSync(file, 0o644);
    const second: Record<string, string> = {};
    expect(resolveSecrets(second, data).generated).toEqual([]);
    expect(second).toEqual(first);
    expect(mode(file)).toBe(0o600);
    // Secrets in the environment: the file is still tightened.
    chmodSync(file, 0o640);
    resolveSecrets({ NEXTAUTH_SECRET: "a", PORTCULLIS_ENCRYPTION_KEY: "b" }, data);
    expect(mode(file)).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8")).NEXTAUTH_SECRET).toBe(first.NEXTAUTH_SECRET);
  });

  it("`npm start` with NODE_ENV=production and no secrets exits 1 before migrating, naming the variables", () => {
    const { NEXTAUTH_SECRET: _a, PORTCULLIS_ENCRYPTION_KEY: _b, ...rest } = process.env;
    const r = spawnSync(process.execPath, ["scripts/start.mjs"], {
      env: { ...rest, NODE_ENV: "production", DATABASE_URL: "file:./data/never-created.db" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/NEXTAUTH_SECRET/);
    expect(r.stderr).toMatch(/PORTCULLIS_ENCRYPTION_KEY/);
    expect(r.stdout).not.toMatch(/migrating/);
  });
});
