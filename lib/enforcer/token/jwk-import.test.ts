import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EnforcerError, ReasonCode } from "../errors.js";
import { createTestKey } from "../test-utils/keys.js";
import { type ImportedKey, importVerificationKey, selectKey } from "./jwk-import.js";

const rsa = createTestKey("RS256", "r1");
const ec = createTestKey("ES256", "e1");
const ed = createTestKey("EdDSA", "d1");

function must(k: ImportedKey | undefined): ImportedKey {
  if (!k) throw new Error("expected a key");
  return k;
}

describe("importVerificationKey", () => {
  it("imports RSA, EC and OKP keys with their algorithms", () => {
    expect([...must(importVerificationKey({ ...rsa.jwk, alg: undefined })).algs]).toEqual([
      "RS256",
      "RS384",
      "RS512",
      "PS256",
      "PS384",
      "PS512",
    ]);
    expect([...must(importVerificationKey(rsa.jwk)).algs]).toEqual(["RS256"]);
    expect([...must(importVerificationKey({ ...ec.jwk, alg: undefined })).algs]).toEqual(["ES256"]);
    expect([...must(importVerificationKey(ed.jwk)).algs]).toEqual(["EdDSA"]);
  });

  it.each([
    ["use enc", { ...rsa.jwk, use: "enc" }],
    ["key_ops without verify", { ...rsa.jwk, key_ops: ["encrypt"] }],
    ["symmetric key", { kty: "oct", k: "c2VjcmV0", kid: "h" }],
    ["unknown curve", { ...ec.jwk, crv: "secp256k1" }],
    ["kid not a string", { ...rsa.jwk, kid: 7 }],
    ["missing modulus", { kty: "RSA", e: "AQAB" }],
    ["not an object", "RSA"],
    ["garbage coordinates", { kty: "EC", crv: "P-256", x: "AA", y: "AA" }],
  ])("drops %s", (_, jwk) => {
    expect(importVerificationKey(jwk)).toBeUndefined();
  });

  it("drops RSA keys under 2048 bits (RFC 7518 §3.3)", () => {
    const weak = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ format: "jwk" });
    expect(importVerificationKey({ ...weak, kid: "w" })).toBeUndefined();
  });

  it("imports only the public part of a JWK that carries a private exponent", () => {
    const priv = rsa.privateKey.export({ format: "jwk" });
    expect(must(importVerificationKey({ ...priv, kid: "p" })).key.type).toBe("public");
  });

  it("gives a key declaring an unknown alg no algorithm at all", () => {
    expect(must(importVerificationKey({ ...ec.jwk, alg: "ES521" })).algs.size).toBe(0);
  });
});

describe("selectKey", () => {
  const keys = [must(importVerificationKey(rsa.jwk)), must(importVerificationKey(ec.jwk))];

  it("selects by kid and algorithm", () => {
    expect(selectKey(keys, "r1", "RS256")).toBe(keys[0]?.key);
    expect(selectKey(keys, "e1", "ES256")).toBe(keys[1]?.key);
  });

  it("reports an unknown kid so the caller can refresh", () => {
    expect(selectKey(keys, "nope", "RS256")).toBe("unknown");
    expect(selectKey(keys, "../../etc/passwd", "RS256")).toBe("unknown");
  });

  it("refuses a known key with another algorithm", () => {
    expect(() => selectKey(keys, "r1", "PS256")).toThrow(EnforcerError);
    try {
      selectKey(keys, "e1", "RS256");
    } catch (err) {
      expect((err as EnforcerError).code).toBe(ReasonCode.AlgNotAllowed);
    }
  });

  it("needs a kid when several keys fit", () => {
    const two = [must(importVerificationKey(rsa.jwk)), must(importVerificationKey(createTestKey("RS256", "r2").jwk))];
    expect(() => selectKey(two, undefined, "RS256")).toThrow(/several keys/);
    expect(selectKey(keys, undefined, "RS256")).toBe(keys[0]?.key);
  });
});
