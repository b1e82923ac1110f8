import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

describe("environment validation", () => {
  it("applies defaults for the embedded SQLite setup", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBe("file:./data/portcullis.db");
    expect(env.TELEMETRY_RETENTION_DAYS).toBe(7);
    expect(env.OIDC_ROLE_MAP).toEqual({});
  });

  it("names every problem at once", () => {
    expect(() =>
      parseEnv({
        DATABASE_URL: "mysql://x",
        NEXTAUTH_SECRET: "short",
        OIDC_ISSUER: "https://idp.example",
        OIDC_ROLE_MAP: "admins=god",
        ADMIN_EMAIL: "a@b.io",
      }),
    ).toThrowError(/DATABASE_URL[\s\S]*NEXTAUTH_SECRET[\s\S]*OIDC_ROLE_MAP/);
  });

  it("checks settings that go together", () => {
    expect(() => parseEnv({ OIDC_ISSUER: "https://idp.example", ADMIN_EMAIL: "a@b.io" })).toThrowError(
      /OIDC_ISSUER[\s\S]*ADMIN_EMAIL/,
    );
  });

  it("parses the SSO role map", () => {
    const env = parseEnv({ OIDC_ROLE_MAP: "mcp-owners=owner, mcp-admins=admin" });
    expect(env.OIDC_ROLE_MAP).toEqual({ "mcp-owners": "owner", "mcp-admins": "admin" });
  });
});
