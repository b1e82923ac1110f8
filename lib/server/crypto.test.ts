import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "./crypto";

describe("AES-256-GCM secrets at rest", () => {
  it("round-trips and uses a fresh IV each time", () => {
    const a = encryptSecret("private jwk", "kid-1");
    const b = encryptSecret("private jwk", "kid-1");
    expect(a).not.toBe(b);
    expect(a).not.toContain("private");
    expect(decryptSecret(a, "kid-1")).toBe("private jwk");
  });

  it("refuses a flipped ciphertext byte, another associated data and a foreign format", () => {
    const sealed = encryptSecret("secret value", "kid-1");
    const parts = sealed.split(".");
    const ct = Buffer.from(parts[3] ?? "", "base64url");
    ct[0] = (ct[0] ?? 0) ^ 1;
    const tampered = [parts[0], parts[1], parts[2], ct.toString("base64url")].join(".");
    expect(() => decryptSecret(tampered, "kid-1")).toThrow(/Cannot decrypt/);
    expect(() => decryptSecret(sealed, "kid-2")).toThrow(/Cannot decrypt/);
    expect(() => decryptSecret("plain text", "kid-1")).toThrow(/unknown format/);
  });
});

describe("PORTCULLIS_ENCRYPTION_KEY at startup", () => {
  it("is required in production (not during next build), and validated when set", async () => {
    const { parseEnv } = await import("./env");
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/PORTCULLIS_ENCRYPTION_KEY: is required in production/);
    expect(() => parseEnv({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" })).not.toThrow();
    expect(() => parseEnv({ NODE_ENV: "development" })).not.toThrow();
    expect(() => parseEnv({ NODE_ENV: "production", PORTCULLIS_ENCRYPTION_KEY: "short" })).toThrow(/32 bytes/);
    const key = Buffer.alloc(32, 1);
    expect(() => parseEnv({ NODE_ENV: "production", PORTCULLIS_ENCRYPTION_KEY: key.toString("hex") })).not.toThrow();
  });
});
